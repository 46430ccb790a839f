package dev.sextant.tsdb.block;

import java.security.SecureRandom;

/** ULIDs for block directories: 48-bit millisecond time + 80 random bits, Crockford base32. Thread-safe. */
public final class Ulid {
    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ulid() {}

    public static String generate(long millis) {
        byte[] rnd = new byte[10];
        RANDOM.nextBytes(rnd);
        // 128 bits: time (48) then randomness (80), written as 26 base32 digits (130 bits, top 2 zero).
        long hi = (millis << 16) | ((rnd[0] & 0xFFL) << 8) | (rnd[1] & 0xFFL);
        long lo = 0;
        for (int i = 2; i < 10; i++) {
            lo = (lo << 8) | (rnd[i] & 0xFFL);
        }
        char[] out = new char[26];
        for (int i = 25; i >= 0; i--) {
            out[i] = ALPHABET[(int) (lo & 31)];
            lo = (lo >>> 5) | (hi << 59);
            hi >>>= 5;
        }
        return new String(out);
    }

    /** Whether {@code s} looks like a ULID (26 Crockford base32 characters). */
    public static boolean isValid(String s) {
        if (s.length() != 26) {
            return false;
        }
        for (int i = 0; i < 26; i++) {
            char c = Character.toUpperCase(s.charAt(i));
            boolean ok = false;
            for (char a : ALPHABET) {
                if (a == c) {
                    ok = true;
                    break;
                }
            }
            if (!ok) {
                return false;
            }
        }
        return s.charAt(0) <= '7';
    }
}
