package dev.liaison.gateway.tls;

import dev.liaison.gateway.config.ConfigurationException;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Optional;

/**
 * Which receiving services the sending service trusts: the JDK's trust store (CA-issued
 * certificates), plus the certificates in {@code relay.trusted-certificates} (self-signed peers,
 * the demo, tests). Host names are still checked against the URL (the JDK does so for HTTPS).
 */
public final class PeerTrust {

    private PeerTrust() {
    }

    public static SSLContext sslContext(Optional<Path> extraCertificates) {
        try {
            X509TrustManager system = trustManager(null);
            X509TrustManager extra = extraCertificates.isPresent() ? trustManager(load(extraCertificates.get())) : null;
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[]{extra == null ? system : either(system, extra)}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS trust for peer gateways: " + e.getMessage(), e);
        }
    }

    private static KeyStore load(Path pem) throws GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pem)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new ConfigurationException("relay.trusted-certificates: " + pem + " holds no PEM certificate");
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("peer-" + i++, certificate);
            }
            return store;
        } catch (IOException e) {
            throw ConfigurationException.unreadable("relay.trusted-certificates " + pem, e);
        } catch (java.security.cert.CertificateException e) {
            throw new ConfigurationException("relay.trusted-certificates: " + pem + " is not a PEM file of"
                    + " certificates: " + e.getMessage(), e);
        }
    }

    private static X509TrustManager trustManager(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager available");
    }

    private static X509TrustManager either(X509TrustManager first, X509TrustManager second) {
        return new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                throw new CertificateException("this trust manager only checks servers");
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                try {
                    first.checkServerTrusted(chain, authType);
                } catch (CertificateException e) {
                    second.checkServerTrusted(chain, authType);
                }
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                X509Certificate[] a = first.getAcceptedIssuers();
                X509Certificate[] b = second.getAcceptedIssuers();
                X509Certificate[] all = java.util.Arrays.copyOf(a, a.length + b.length);
                System.arraycopy(b, 0, all, a.length, b.length);
                return all;
            }
        };
    }
}
