package dev.sextant.bench.load;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.LongSupplier;

/**
 * The measuring schedule of {@link QuerySetRunner}: several servers ("targets"), one client
 * process, one keep-alive connection per target, and the same requests for every target.
 *
 * <ol>
 *   <li>{@code warmupPasses} untimed passes over the whole request list; in each pass every
 *       request goes to every target (target order shuffled per request), so the client's own
 *       code (socket reads, body copy, checksum) and each server's query path are compiled before
 *       anything is timed, and every target gets the same warm-up.</li>
 *   <li>{@code rounds} timed rounds. In a round, for each request of the list, the targets come in
 *       a fresh random order and each gets {@code repeat} back-to-back timed requests. Interleaving
 *       per request (not per round) means load drift from other processes on the machine falls on
 *       all targets within the same few hundred milliseconds.</li>
 * </ol>
 *
 * <p>A timed request is measured from before the request is written to after its whole body has
 * been read and checksummed ({@link QuerySetRunner.Sender} must return only then). Per target and
 * request: the median of each round's {@code repeat} latencies, then the median over the rounds of
 * those round medians (the figure reported), plus the lowest and highest round median (the
 * spread). A non-200 answer is counted as an error and its latency is not recorded (errors are
 * fast and must not flatter a median). Medians are the usual ones: the middle value, or the mean
 * of the two middle values of an even count.
 *
 * <p>Thread-safety: not thread-safe; {@link #run()} once.
 */
final class QueryRounds {
    /** A server under test and the client that talks to it. */
    record Target(String name, QuerySetRunner.Sender sender) {}

    /** One request of the set: a query in one mode, POSTed as {@code form} to {@code path}. */
    record Request(String name, String kind, String path, String form) {}

    /** Figures of one target on one request. */
    static final class Cell {
        final double[] roundMedianMs;
        final Latencies all = new Latencies();
        int errors;
        int lastStatus = -1;
        byte[] lastBody;
        long lastCrc;
        /** How often a timed answer's checksum differed from the answer before it (same data: should be 0). */
        int bodyChanges;
        long bytesRead;
        String lastError;

        Cell(int rounds) {
            roundMedianMs = new double[rounds];
            Arrays.fill(roundMedianMs, Double.NaN);
        }

        /** Median over rounds of each round's median (rounds with no successful answer left out). */
        double medianMs() {
            return median(roundMedianMs);
        }

        double minRoundMs() {
            double m = Double.NaN;
            for (double v : roundMedianMs) {
                m = Double.isNaN(m) || v < m ? v : m;
            }
            return m;
        }

        double maxRoundMs() {
            double m = Double.NaN;
            for (double v : roundMedianMs) {
                m = Double.isNaN(m) || v > m ? v : m;
            }
            return m;
        }
    }

    private final List<Target> targets;
    private final List<Request> requests;
    private final int warmupPasses;
    private final int rounds;
    private final int repeat;
    private final Random random;
    private final LongSupplier clock;
    private long requestsSent;

    QueryRounds(List<Target> targets, List<Request> requests, int warmupPasses, int rounds, int repeat, long seed,
            LongSupplier nanoClock) {
        if (targets.isEmpty() || requests.isEmpty() || rounds < 1 || repeat < 1 || warmupPasses < 0) {
            throw new IllegalArgumentException("need targets, requests, rounds >= 1, repeat >= 1, warm-up passes >= 0");
        }
        this.targets = List.copyOf(targets);
        this.requests = List.copyOf(requests);
        this.warmupPasses = warmupPasses;
        this.rounds = rounds;
        this.repeat = repeat;
        this.random = new Random(seed);
        this.clock = nanoClock;
    }

    /** Runs the warm-up passes and the rounds; {@code [target][request]} figures. */
    Cell[][] run() throws InterruptedException {
        Cell[][] cells = new Cell[targets.size()][requests.size()];
        for (Cell[] row : cells) {
            for (int j = 0; j < row.length; j++) {
                row[j] = new Cell(rounds);
            }
        }
        List<Integer> order = new ArrayList<>();
        for (int t = 0; t < targets.size(); t++) {
            order.add(t);
        }
        for (int pass = 0; pass < warmupPasses; pass++) {
            for (int j = 0; j < requests.size(); j++) {
                Collections.shuffle(order, random);
                for (int t : order) {
                    send(targets.get(t), requests.get(j), cells[t][j], false);
                }
            }
        }
        long[] one = new long[repeat];
        for (int r = 0; r < rounds; r++) {
            for (int j = 0; j < requests.size(); j++) {
                Collections.shuffle(order, random);
                for (int t : order) {
                    int ok = 0;
                    for (int i = 0; i < repeat; i++) {
                        long ns = send(targets.get(t), requests.get(j), cells[t][j], true);
                        if (ns >= 0) {
                            one[ok++] = ns;
                        }
                    }
                    cells[t][j].roundMedianMs[r] = ok == 0 ? Double.NaN : medianNanos(one, ok) / 1e6;
                }
            }
        }
        return cells;
    }

    /** Requests sent so far, warm-up included. */
    long requestsSent() {
        return requestsSent;
    }

    /** One request; its latency in ns when timed and answered with 200, else -1. */
    private long send(Target target, Request req, Cell cell, boolean timed) throws InterruptedException {
        requestsSent++;
        long t0 = clock.getAsLong();
        KeepAliveClient.Response resp;
        try {
            resp = target.sender().post(req.path(), req.form());
        } catch (IOException e) {
            cell.errors += timed ? 1 : 0;
            cell.lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
            return -1;
        }
        long ns = clock.getAsLong() - t0;
        if (timed) {
            if (cell.lastBody != null && resp.crc32c() != cell.lastCrc) {
                cell.bodyChanges++;
            }
            cell.bytesRead += resp.length();
        }
        cell.lastStatus = resp.status();
        if (cell.lastBody == null || resp.crc32c() != cell.lastCrc || cell.lastBody.length != resp.length()) {
            cell.lastBody = Arrays.copyOf(resp.body(), resp.length()); // outside the timed span
        }
        cell.lastCrc = resp.crc32c();
        if (resp.status() != 200) {
            cell.errors += timed ? 1 : 0;
            cell.lastError = "http " + resp.status();
            return -1;
        }
        if (!timed) {
            return -1;
        }
        cell.all.record(ns);
        return ns;
    }

    static double medianNanos(long[] v, int n) {
        long[] s = Arrays.copyOf(v, n);
        Arrays.sort(s);
        return (n & 1) == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
    }

    /** Median of the non-NaN values; NaN when there are none. */
    static double median(double[] v) {
        double[] s = new double[v.length];
        int n = 0;
        for (double x : v) {
            if (!Double.isNaN(x)) {
                s[n++] = x;
            }
        }
        if (n == 0) {
            return Double.NaN;
        }
        Arrays.sort(s, 0, n);
        return (n & 1) == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
    }
}
