package dev.sextant.bench.load;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the input of {@code promtool tsdb bench write} (and of {@code sextant tsdb bench write}):
 * one JSON object of label names to values per line, like Prometheus's {@code 20kseries.json} test
 * file, which the Debian package does not ship. The series are {@link SeriesModel}'s (8 labels,
 * histogram buckets a ninth), in model order, so every tool reads the same realistic population.
 *
 * <p>promtool's reader splits each line at {@code ,} and each pair at {@code :} and keeps what lies
 * between the first and the second {@code :}: so the {@code instance} values are written without
 * their {@code :9100} port, which makes the file mean the same to a JSON parser and to promtool.
 *
 * <p>Usage: {@code ... dev.sextant.bench.load.SeriesJsonFile --series=20000 --out=series.json}
 */
public final class SeriesJsonFile {
    private SeriesJsonFile() {}

    public static void main(String[] argv) throws IOException {
        Args a = new Args(argv, "series", "out", "seed");
        int series = a.getInt("series", 20_000);
        Path out = Path.of(a.get("out", "series.json"));
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            write(w, new SeriesModel(series, a.getLong("seed", 1)));
        }
        System.out.printf("wrote %d series to %s (%d bytes)%n", series, out, Files.size(out));
    }

    static void write(Writer w, SeriesModel model) throws IOException {
        StringBuilder sb = new StringBuilder(256);
        for (int s = 0; s < model.seriesCount(); s++) {
            String[] l = model.labels(s);
            sb.setLength(0);
            sb.append('{');
            for (int i = 0; i < l.length; i += 2) {
                if (i > 0) {
                    sb.append(',');
                }
                String v = l[i + 1];
                int colon = v.indexOf(':');
                if (colon >= 0) {
                    v = v.substring(0, colon);
                }
                if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\\') >= 0) {
                    throw new IllegalStateException("label value promtool cannot read: " + v);
                }
                sb.append('"').append(l[i]).append("\":\"").append(v).append('"');
            }
            sb.append("}\n");
            w.write(sb.toString());
        }
    }
}
