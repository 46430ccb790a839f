package dev.sextant.api.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Strings come out as Go's encoding/json writes them with HTML escaping (Prometheus's API). */
class JsonOutEscapingTest {

    private static String write(String value) throws Exception {
        JsonOut out = new JsonOut(64);
        out.gen().writeStartObject();
        out.gen().writeStringField("a", value);
        out.gen().writeEndObject();
        out.close();
        return new String(out.toBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void htmlCharactersAreEscapedWithLowerCaseHexLikeGo() throws Exception {
        // Prometheus 2.42 answers label_replace(vector(1),"a","<&> x","","") with exactly this.
        assertThat(write("<&> x")).isEqualTo("{\"a\":\"\\u003c\\u0026\\u003e x\"}");
    }

    @Test
    void lineSeparatorsControlCharactersQuotesAndBackslashes() throws Exception {
        assertThat(write("a\u2028b\u2029c")).isEqualTo("{\"a\":\"a\\u2028b\\u2029c\"}");
        assertThat(write("q\"b\\n\n\t\u0001")).isEqualTo("{\"a\":\"q\\\"b\\\\n\\n\\t\\u0001\"}");
    }

    @Test
    void otherNonAsciiStaysRaw() throws Exception {
        assertThat(write("µs ü 日本")).isEqualTo("{\"a\":\"µs ü 日本\"}");
    }
}
