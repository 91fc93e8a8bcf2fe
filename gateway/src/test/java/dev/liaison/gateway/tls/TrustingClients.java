package dev.liaison.gateway.tls;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;

/** Client TLS contexts for tests and load tools that trust exactly one gateway's certificate. */
public final class TrustingClients {

    private TrustingClients() {
    }

    public static SSLContext trusting(Certificate certificate) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("gw", certificate);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    /** Trusting the PEM certificate in {@code file}, e.g. {@code data-dir/tls/certificate.pem}. */
    public static SSLContext trusting(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return trusting(CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
    }
}
