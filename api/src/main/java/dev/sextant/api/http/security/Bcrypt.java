package dev.sextant.api.http.security;

/**
 * Checks of bcrypt hashes as Go's {@code golang.org/x/crypto/bcrypt} makes them (the toolkit
 * validates every {@code basic_auth_users} hash with {@code bcrypt.Cost} before serving), and the
 * comparison itself. Stateless.
 */
final class Bcrypt {
    private Bcrypt() {}

    /** Go's minimum encoded hash size ({@code $2a$10$} + 53 characters). */
    private static final int MIN_HASH_SIZE = 59;

    /** Why {@code hash} is not a usable bcrypt hash, in Go's words, or null when it is. */
    static String hashProblem(String hash) {
        if (hash.length() < MIN_HASH_SIZE) {
            return "crypto/bcrypt: hashedSecret too short to be a bcrypted password";
        }
        if (hash.charAt(0) != '$') {
            return "crypto/bcrypt: bcrypt hashes must start with '$', but hashedSecret started with '" + hash.charAt(0) + "'";
        }
        if (hash.charAt(1) > '2') {
            return "crypto/bcrypt: bcrypt algorithm version '" + hash.charAt(1) + "' requested is newer than current version '2'";
        }
        int off = hash.charAt(2) == '$' ? 3 : 4;
        // Spring's BCrypt (the implementation used to compare) knows the revisions a, b, x and y;
        // Go reads any letter but only ever writes a and b, htpasswd writes y.
        if (off == 4 && "abxy".indexOf(hash.charAt(2)) < 0) {
            return "crypto/bcrypt: unsupported bcrypt revision '" + hash.charAt(2) + "'";
        }
        if (off == 4 && hash.charAt(3) != '$') {
            return "crypto/bcrypt: hashedSecret is not a bcrypt hash";
        }
        int cost;
        try {
            cost = Integer.parseInt(hash.substring(off, off + 2));
        } catch (NumberFormatException e) {
            return "crypto/bcrypt: hashedSecret has an invalid cost";
        }
        if (cost < 4 || cost > 31) {
            return "crypto/bcrypt: bcrypt cost " + cost + " is outside allowed inclusive range 4..31";
        }
        if (hash.charAt(off + 2) != '$' || hash.length() != off + 3 + 53) {
            return "crypto/bcrypt: hashedSecret is not a bcrypt hash";
        }
        for (int i = off + 3; i < hash.length(); i++) {
            char c = hash.charAt(i);
            if (!(c == '.' || c == '/' || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
                return "crypto/bcrypt: hashedSecret is not a bcrypt hash";
            }
        }
        return null;
    }

    /**
     * Whether {@code password} matches {@code hash}. Costs about 2^cost bcrypt rounds (70 ms at cost
     * 10): never call it on a Netty event loop. Passwords over bcrypt's 72-byte limit never match,
     * as in Go.
     */
    static boolean matches(String password, String hash) {
        byte[] pw = password.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (pw.length > 72 || hashProblem(hash) != null) {
            return false;
        }
        try {
            return org.springframework.security.crypto.bcrypt.BCrypt.checkpw(pw, hash);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A fresh hash (for tests and for the decoy compared against when the user is unknown). */
    static String hash(String password, int cost) {
        return org.springframework.security.crypto.bcrypt.BCrypt.hashpw(password,
                org.springframework.security.crypto.bcrypt.BCrypt.gensalt(cost));
    }
}
