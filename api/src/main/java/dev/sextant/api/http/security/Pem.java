package dev.sextant.api.http.security;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM certificates and private keys as Go's {@code tls.X509KeyPair} reads them: a certificate
 * chain of {@code CERTIFICATE} blocks, and the first private-key block of the key file in PKCS#8
 * ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) or SEC 1 ({@code EC PRIVATE KEY}) form,
 * other blocks (such as {@code EC PARAMETERS}) skipped. The JDK reads PKCS#8 only, so PKCS#1 and
 * SEC 1 keys are wrapped into a PKCS#8 structure here (a few bytes of DER, no third-party parser).
 * Encrypted keys are refused, as in Go. Stateless.
 */
final class Pem {
    private Pem() {}

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\r?\\n(.*?)-----END \\1-----", Pattern.DOTALL);

    /** One decoded block: its type and DER bytes; {@code headers} is true for RFC 1421 headers (encrypted keys). */
    record Block(String type, byte[] der, boolean headers) {}

    static List<Block> blocks(String text) {
        List<Block> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String body = m.group(2);
            boolean headers = body.contains(":");
            if (headers) {
                out.add(new Block(m.group(1), new byte[0], true));
                continue;
            }
            try {
                out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(body), false));
            } catch (IllegalArgumentException e) {
                out.add(new Block(m.group(1), null, false));
            }
        }
        return out;
    }

    /** The certificates of {@code text}, leaf first. @throws GeneralSecurityException naming what is wrong */
    static List<X509Certificate> certificates(String text, String what) throws GeneralSecurityException {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        List<X509Certificate> out = new ArrayList<>();
        for (Block b : blocks(text)) {
            if (!b.type().equals("CERTIFICATE")) {
                continue;
            }
            if (b.der() == null) {
                throw new CertificateException(what + ": invalid base64 in a CERTIFICATE block");
            }
            out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(b.der())));
        }
        if (out.isEmpty()) {
            throw new CertificateException(what + ": tls: failed to find any PEM data in certificate input");
        }
        return out;
    }

    /** The private key of {@code text}. */
    static PrivateKey privateKey(String text, String what) throws GeneralSecurityException {
        for (Block b : blocks(text)) {
            if (!b.type().equals("PRIVATE KEY") && !b.type().endsWith(" PRIVATE KEY")) {
                continue;
            }
            if (b.headers() || b.type().equals("ENCRYPTED PRIVATE KEY")) {
                throw new GeneralSecurityException(what + ": encrypted private keys are not supported");
            }
            if (b.der() == null) {
                throw new GeneralSecurityException(what + ": invalid base64 in a " + b.type() + " block");
            }
            byte[] pkcs8 = switch (b.type()) {
                case "PRIVATE KEY" -> b.der();
                case "RSA PRIVATE KEY" -> wrapPkcs1(b.der());
                case "EC PRIVATE KEY" -> wrapSec1(b.der(), what);
                default -> throw new GeneralSecurityException(what + ": unsupported key type " + b.type());
            };
            for (String alg : new String[] {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS"}) {
                try {
                    return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
                } catch (GeneralSecurityException | RuntimeException e) {
                    // try the next algorithm
                }
            }
            throw new GeneralSecurityException(what + ": tls: failed to parse private key");
        }
        throw new GeneralSecurityException(what + ": tls: failed to find any PEM data in key input");
    }

    /** Go's check that the key belongs to the certificate: sign with one, verify with the other. */
    static void checkPair(PrivateKey key, X509Certificate leaf) throws GeneralSecurityException {
        PublicKey pub = leaf.getPublicKey();
        String alg = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
            default -> null;
        };
        if (alg == null || !pub.getAlgorithm().equals(key.getAlgorithm())) {
            throw new GeneralSecurityException("tls: private key type does not match public key type");
        }
        byte[] probe = new byte[32];
        new SecureRandom().nextBytes(probe);
        Signature s = Signature.getInstance(alg);
        s.initSign(key);
        s.update(probe);
        byte[] sig = s.sign();
        Signature v = Signature.getInstance(alg);
        v.initVerify(pub);
        v.update(probe);
        if (!v.verify(sig)) {
            throw new GeneralSecurityException("tls: private key does not match public key");
        }
    }

    // --- DER: just enough to wrap a traditional key into PKCS#8 PrivateKeyInfo ---

    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
            (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    private static final byte[] EC_PUBLIC_KEY_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};
    private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};

    static byte[] wrapPkcs1(byte[] pkcs1) {
        return tlv(0x30, concat(VERSION_0, RSA_ALGORITHM, tlv(0x04, pkcs1)));
    }

    /** SEC 1 ECPrivateKey carries its curve in {@code [0] parameters}; PKCS#8 wants it in the AlgorithmIdentifier. */
    static byte[] wrapSec1(byte[] sec1, String what) throws GeneralSecurityException {
        byte[] curve = null;
        try {
            int[] seq = header(sec1, 0);
            if ((sec1[0] & 0xff) != 0x30) {
                throw new GeneralSecurityException(what + ": malformed EC PRIVATE KEY");
            }
            int pos = seq[0];
            int end = seq[0] + seq[1];
            while (pos < end) {
                int tag = sec1[pos] & 0xff;
                int[] h = header(sec1, pos);
                if (tag == 0xa0) {
                    curve = java.util.Arrays.copyOfRange(sec1, h[0], h[0] + h[1]);
                }
                pos = h[0] + h[1];
            }
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new GeneralSecurityException(what + ": malformed EC PRIVATE KEY");
        }
        if (curve == null) {
            throw new GeneralSecurityException(what + ": EC PRIVATE KEY without named-curve parameters");
        }
        return tlv(0x30, concat(VERSION_0, tlv(0x30, concat(EC_PUBLIC_KEY_OID, curve)), tlv(0x04, sec1)));
    }

    /** {content offset, content length} of the TLV at {@code pos}. */
    private static int[] header(byte[] der, int pos) {
        int len = der[pos + 1] & 0xff;
        int off = pos + 2;
        if (len >= 0x80) {
            int n = len & 0x7f;
            if (n > 3) {
                throw new ArrayIndexOutOfBoundsException("length too long");
            }
            len = 0;
            for (int i = 0; i < n; i++) {
                len = (len << 8) | (der[off++] & 0xff);
            }
        }
        if (off + len > der.length) {
            throw new ArrayIndexOutOfBoundsException("truncated");
        }
        return new int[] {off, len};
    }

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else if (n < 0x10000) {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n);
        } else {
            out.write(0x83);
            out.write(n >> 16);
            out.write(n >> 8);
            out.write(n);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
