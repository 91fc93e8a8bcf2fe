package dev.liaison.gateway.tls;

import dev.liaison.gateway.config.ConfigurationException;
import dev.liaison.gateway.config.TlsSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TlsMaterialTest {

    @TempDir
    Path dir;

    @Test
    void generatedCertificateCoversDomainLocalhostAndLoopbackAndIsGeneratedOnce() throws IOException {
        TlsMaterial first = TlsMaterial.load(new TlsSource.Generated(dir.resolve("tls")), "mail.example");
        assertEquals(java.util.List.of("mail.example", "localhost", "127.0.0.1"), first.subjectAlternativeNames());
        TlsMaterial second = TlsMaterial.load(new TlsSource.Generated(dir.resolve("tls")), "mail.example");
        assertEquals(first.certificate(), second.certificate());
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("tls/private-key.pem"))));
    }

    @Test
    void clientTrustingTheCertificateCompletesAHandshakeCheckingTheHostName() throws Exception {
        TlsMaterial tls = TlsMaterial.load(new TlsSource.Generated(dir.resolve("tls")), "mail.example");
        try (SSLServerSocket server = (SSLServerSocket) tls.sslContext().getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            var accepted = CompletableFuture.runAsync(() -> {
                try (var s = (SSLSocket) server.accept()) {
                    s.startHandshake();
                    s.getOutputStream().write(1);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            SSLContext client = TrustingClients.trusting(tls.certificate());
            try (var s = (SSLSocket) client.getSocketFactory().createSocket("localhost", server.getLocalPort())) {
                SSLParameters params = s.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                s.setSSLParameters(params);
                assertEquals(1, s.getInputStream().read());
            }
            accepted.get();
        }
    }

    @Test
    void administratorsPemFilesAreUsedAndBrokenOnesNamed() throws IOException {
        TlsMaterial generated = TlsMaterial.load(new TlsSource.Generated(dir.resolve("tls")), "a.example");
        TlsMaterial loaded = TlsMaterial.load(new TlsSource.Files(dir.resolve("tls/certificate.pem"),
                dir.resolve("tls/private-key.pem")), "ignored.example");
        assertEquals(generated.certificate(), loaded.certificate());

        Path empty = Files.writeString(dir.resolve("empty.pem"), "not pem\n");
        var e = assertThrows(ConfigurationException.class, () -> TlsMaterial.load(
                new TlsSource.Files(empty, dir.resolve("tls/private-key.pem")), "a.example"));
        assertTrue(e.getMessage().contains("holds no PEM certificate"), e.getMessage());
        var k = assertThrows(ConfigurationException.class, () -> TlsMaterial.load(
                new TlsSource.Files(dir.resolve("tls/certificate.pem"), empty), "a.example"));
        assertTrue(k.getMessage().contains("holds no unencrypted PEM private key"), k.getMessage());
    }
}
