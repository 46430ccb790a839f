package dev.sextant.api.http.security;

import dev.sextant.api.http.security.WebConfig.ClientAuthType;
import dev.sextant.api.http.security.WebConfig.Tls;
import dev.sextant.api.http.security.WebConfig.TlsVersion;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.DelegatingSslContext;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.SimpleTrustManagerFactory;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a Netty server {@link SslContext} (JDK provider) from a {@code tls_server_config}, with the
 * toolkit's semantics: versions from {@code min_version} to {@code max_version}; {@code cipher_suites}
 * for TLS 1.2 and below only (TLS 1.3 suites always on, as in Go); the five client-auth modes; the
 * client CA from a file or inline; {@code client_allowed_sans}; and the server's cipher order when
 * {@code prefer_server_cipher_suites} is true. Stateless.
 */
public final class TlsContexts {
    private static final Logger log = LoggerFactory.getLogger(TlsContexts.class);
    private static final AtomicBoolean warnedCurves = new AtomicBoolean();

    private TlsContexts() {}

    /** @throws WebConfigException naming the file or setting at fault */
    public static SslContext build(WebConfig c) throws WebConfigException {
        Tls t = c.tls();
        String src = c.source();
        String certText = t.certFile() != null ? read(t.certFile(), "cert_file", src) : t.cert();
        String keyText = t.keyFile() != null ? read(t.keyFile(), "key_file", src) : t.key();
        List<X509Certificate> chain;
        PrivateKey key;
        try {
            chain = Pem.certificates(certText, t.certFile() != null ? "cert_file (" + t.certFile() + ")" : "cert");
            key = Pem.privateKey(keyText, t.keyFile() != null ? "key_file (" + t.keyFile() + ")" : "key");
            Pem.checkPair(key, chain.get(0));
        } catch (GeneralSecurityException e) {
            throw new WebConfigException(src + ": tls_server_config: failed to load X509KeyPair: " + e.getMessage(), e);
        }

        SSLParameters supported;
        try {
            supported = SSLContext.getDefault().getSupportedSSLParameters();
        } catch (GeneralSecurityException e) {
            throw new WebConfigException(src + ": no TLS support in this Java runtime: " + e.getMessage(), e);
        }
        Set<String> supportedProtocols = new HashSet<>(Arrays.asList(supported.getProtocols()));
        List<String> protocols = new ArrayList<>();
        for (TlsVersion v : TlsVersion.values()) {
            if (v.compareTo(t.minVersion()) >= 0 && v.compareTo(t.maxVersion()) <= 0
                    && supportedProtocols.contains(v.jsseName())) {
                protocols.add(v.jsseName());
            }
        }
        if (protocols.isEmpty()) {
            throw new WebConfigException(src + ": tls_server_config: this Java runtime supports none of the TLS versions "
                    + t.minVersion() + " to " + t.maxVersion());
        }
        List<String> ciphers = ciphers(t, protocols, supported, src);

        ClientAuth mode = switch (t.clientAuth()) {
            case NO_CLIENT_CERT -> ClientAuth.NONE;
            case REQUEST_CLIENT_CERT, VERIFY_CLIENT_CERT_IF_GIVEN -> ClientAuth.OPTIONAL;
            case REQUIRE_ANY_CLIENT_CERT, REQUIRE_AND_VERIFY_CLIENT_CERT -> ClientAuth.REQUIRE;
        };
        SslContextBuilder b = SslContextBuilder.forServer(key, chain)
                .sslProvider(SslProvider.JDK)
                .protocols(protocols)
                .clientAuth(mode);
        if (ciphers != null) {
            b.ciphers(ciphers, IdentityCipherSuiteFilter.INSTANCE);
        }
        if (t.clientAuth() != ClientAuthType.NO_CLIENT_CERT) {
            b.trustManager(new ClientTrust(clientTrustManager(t, src), t.clientAllowedSans()));
        }
        try {
            return new Tuned(b.build(), t.preferServerCipherSuites(), namedGroups(t));
        } catch (IOException | RuntimeException e) {
            throw new WebConfigException(src + ": tls_server_config: " + e.getMessage(), e);
        }
    }

    private static List<String> ciphers(Tls t, List<String> protocols, SSLParameters supported, String src)
            throws WebConfigException {
        if (t.cipherSuites().isEmpty()) {
            return null; // the JDK's defaults, as Go uses its own
        }
        Set<String> jdk = new HashSet<>(Arrays.asList(supported.getCipherSuites()));
        List<String> out = new ArrayList<>();
        for (String go : t.cipherSuites()) {
            String jsse = GoCipherSuites.TLS12.get(go);
            if (jsse == null) {
                continue; // a TLS 1.3 name: not configurable, as in Go
            }
            if (!jdk.contains(jsse)) {
                throw new WebConfigException(src + ": tls_server_config.cipher_suites: " + go
                        + " is not supported by this Java runtime");
            }
            out.add(jsse);
        }
        if (protocols.contains("TLSv1.3")) {
            for (String s : GoCipherSuites.TLS13.values()) {
                if (jdk.contains(s)) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    private static X509TrustManager clientTrustManager(Tls t, String src) throws WebConfigException {
        if (!t.clientAuth().verifies()) {
            return null; // RequestClientCert / RequireAnyClientCert: any certificate is accepted
        }
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (t.clientCaFile() == null && t.clientCa().isEmpty()) {
                tmf.init((KeyStore) null); // Go verifies against the system roots when no client CA is given
            } else {
                String text = t.clientCaFile() != null ? read(t.clientCaFile(), "client_ca_file", src) : t.clientCa();
                List<X509Certificate> cas = Pem.certificates(text,
                        t.clientCaFile() != null ? "client_ca_file (" + t.clientCaFile() + ")" : "client_ca");
                KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
                ks.load(null, null);
                int i = 0;
                for (X509Certificate ca : cas) {
                    ks.setCertificateEntry("ca-" + i++, ca);
                }
                tmf.init(ks);
            }
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    return x;
                }
            }
            throw new GeneralSecurityException("no X.509 trust manager");
        } catch (GeneralSecurityException | IOException e) {
            throw new WebConfigException(src + ": tls_server_config: client CA: " + e.getMessage(), e);
        }
    }

    private static String[] namedGroups(Tls t) {
        if (t.curvePreferences().isEmpty()) {
            return null;
        }
        String[] groups = new String[t.curvePreferences().size()];
        for (int i = 0; i < groups.length; i++) {
            groups[i] = WebConfig.CURVES.get(t.curvePreferences().get(i));
        }
        return groups;
    }

    private static String read(Path p, String key, String src) throws WebConfigException {
        try {
            return Files.readString(p, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new WebConfigException(src + ": tls_server_config: failed to read " + key + " (" + p + "): "
                    + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /** Sets what SslContextBuilder has no knob for: the server's cipher order and the named groups. */
    private static final class Tuned extends DelegatingSslContext {
        private static final Method SET_NAMED_GROUPS = findSetNamedGroups();
        private final boolean serverOrder;
        private final String[] groups;

        Tuned(SslContext ctx, boolean serverOrder, String[] groups) {
            super(ctx);
            this.serverOrder = serverOrder;
            this.groups = groups;
            if (groups != null && SET_NAMED_GROUPS == null && warnedCurves.compareAndSet(false, true)) {
                log.warn("msg=\"curve_preferences needs Java 20 or later (SSLParameters.setNamedGroups); "
                        + "using the runtime's default groups (set -Djdk.tls.namedGroups to restrict them)\" "
                        + "java={}", System.getProperty("java.version"));
            }
        }

        @Override
        protected void initEngine(SSLEngine engine) {
            SSLParameters p = engine.getSSLParameters();
            p.setUseCipherSuitesOrder(serverOrder);
            if (groups != null && SET_NAMED_GROUPS != null) {
                try {
                    SET_NAMED_GROUPS.invoke(p, (Object) groups);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
            engine.setSSLParameters(p);
        }

        private static Method findSetNamedGroups() {
            try {
                return SSLParameters.class.getMethod("setNamedGroups", String[].class);
            } catch (NoSuchMethodException e) {
                return null;
            }
        }
    }

    /**
     * Client-certificate checks: the CA trust manager (null: accept any certificate, for the
     * "Request"/"RequireAny" modes), then {@code client_allowed_sans} when set.
     */
    static final class ClientTrust extends SimpleTrustManagerFactory {
        private final TrustManager tm;

        ClientTrust(X509TrustManager verifier, List<String> allowedSans) {
            this.tm = new X509ExtendedTrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType, Socket s) throws CertificateException {
                    check(chain, authType);
                }

                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine e) throws CertificateException {
                    check(chain, authType);
                }

                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                    check(chain, authType);
                }

                private void check(X509Certificate[] chain, String authType) throws CertificateException {
                    if (verifier != null) {
                        verifier.checkClientTrusted(chain, authType);
                    }
                    if (allowedSans != null) {
                        checkSans(chain[0], allowedSans);
                    }
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType, Socket s) throws CertificateException {
                    throw new CertificateException("server certificates are not checked here");
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine e) throws CertificateException {
                    throw new CertificateException("server certificates are not checked here");
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                    throw new CertificateException("server certificates are not checked here");
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return verifier == null ? new X509Certificate[0] : verifier.getAcceptedIssuers();
                }
            };
        }

        @Override
        protected void engineInit(KeyStore keyStore) {}

        @Override
        protected void engineInit(ManagerFactoryParameters params) {}

        @Override
        protected TrustManager[] engineGetTrustManagers() {
            return new TrustManager[] {tm};
        }
    }

    /** Go's {@code VerifyPeerCertificate} for {@code client_allowed_sans}: DNS, e-mail, IP or URI SAN equal to an entry. */
    static void checkSans(X509Certificate cert, List<String> allowed) throws CertificateException {
        Collection<List<?>> sans = cert.getSubjectAlternativeNames();
        if (sans != null) {
            for (List<?> san : sans) {
                int type = (Integer) san.get(0);
                String value = String.valueOf(san.get(1));
                for (String a : allowed) {
                    if (a.equals(value) || (type == 7 && sameIp(a, value))) {
                        return;
                    }
                }
            }
        }
        throw new CertificateException("could not find allowed SANs in client cert, found: " + allowed);
    }

    private static boolean sameIp(String a, String b) {
        if (!(a.indexOf(':') >= 0 || (!a.isEmpty() && Character.isDigit(a.charAt(0))))) {
            return false;
        }
        try {
            // Literal addresses only: getByName does no lookup for them.
            return a.chars().allMatch(ch -> Character.digit(ch, 16) >= 0 || ch == '.' || ch == ':')
                    && InetAddress.getByName(a).equals(InetAddress.getByName(b));
        } catch (IOException e) {
            return false;
        }
    }
}
