package dev.liaison.gateway.transport;

import dev.liaison.gateway.config.TlsSource;
import dev.liaison.gateway.tls.TlsMaterial;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;

/** A generated server certificate and a client context that trusts exactly it. */
public record TestTls(TlsMaterial server, SSLContext clientContext, Path certificatePem) {

    public static TestTls generate(Path dir) throws Exception {
        TlsMaterial material = TlsMaterial.load(new TlsSource.Generated(dir), "localhost");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("receiver", material.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, tmf.getTrustManagers(), null);
        Path pem = dir.resolve("trusted.pem");
        Files.writeString(pem, "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(material.certificate().getEncoded())
                + "\n-----END CERTIFICATE-----\n");
        return new TestTls(material, client, pem);
    }
}
