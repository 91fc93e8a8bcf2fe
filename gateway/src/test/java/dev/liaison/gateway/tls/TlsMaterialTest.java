package dev.liaison.gateway.tls;

import dev.liaison.gateway.config.ConfigurationException;
import dev.liaison.gateway.config.TlsSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslContext;
import io.netty.handler.ssl.SslHandler;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

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
        EventLoopGroup group = new NioEventLoopGroup(1);
        try {
            Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            SslHandler handler = tls.serverContext().newHandler(ch.alloc());
                            ch.pipeline().addLast(handler);
                            handler.handshakeFuture().addListener(done -> ch.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1})));
                        }
                    }).bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            SSLContext client = TrustingClients.trusting(tls.certificate());
            try (var s = (SSLSocket) client.getSocketFactory().createSocket("localhost", port)) {
                SSLParameters params = s.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                s.setSSLParameters(params);
                assertEquals(1, s.getInputStream().read());
                assertEquals("TLSv1.3", s.getSession().getProtocol());
            }
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void theListenersRunOpenSslsEngineWhereItLoads() {
        // linux-x86_64 and linux-aarch_64 builds are packaged; the JDK's engine is the fallback elsewhere
        assertTrue(OpenSsl.isAvailable(), "OpenSSL unavailable: " + OpenSsl.unavailabilityCause());
        TlsMaterial tls = TlsMaterial.load(new TlsSource.Generated(dir.resolve("tls")), "mail.example");
        assertTrue(tls.serverContext() instanceof OpenSslContext, tls.serverContext().getClass().getName());
        assertTrue(TlsMaterial.engine().startsWith("OpenSSL ("), TlsMaterial.engine());
    }

    @Test
    void onlyTls12And13AreEnabled() throws Exception {
        TlsMaterial tls = TlsMaterial.load(new TlsSource.Generated(dir.resolve("tls")), "mail.example");
        SSLEngine engine = tls.serverContext().newEngine(io.netty.buffer.ByteBufAllocator.DEFAULT);
        // OpenSSL's engine always lists the pseudo-protocol SSLv2Hello (a ClientHello format, not SSL 2)
        assertEquals(java.util.Set.of("TLSv1.2", "TLSv1.3"), java.util.Arrays.stream(engine.getEnabledProtocols())
                .filter(p -> !p.equals("SSLv2Hello")).collect(java.util.stream.Collectors.toSet()));
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

    @Test
    void aKeyThatIsNotTheCertificatesIsRefusedBeforeAnyListenerTakesIt() throws IOException {
        TlsMaterial.load(new TlsSource.Generated(dir.resolve("one")), "a.example");
        TlsMaterial.load(new TlsSource.Generated(dir.resolve("two")), "a.example");
        var e = assertThrows(ConfigurationException.class, () -> TlsMaterial.load(new TlsSource.Files(
                dir.resolve("one/certificate.pem"), dir.resolve("two/private-key.pem")), "a.example"));
        assertTrue(e.getMessage().contains("is not the key of the certificate"), e.getMessage());
        var missing = assertThrows(ConfigurationException.class, () -> TlsMaterial.load(new TlsSource.Files(
                dir.resolve("nowhere.pem"), dir.resolve("two/private-key.pem")), "a.example"));
        assertTrue(missing.getMessage().endsWith("nowhere.pem does not exist"), missing.getMessage());
    }

    @Test
    void aGeneratedCertificateIsMadeAgainWhenTheDomainChangesTheOldOneKeptAside() throws IOException {
        Path tls = dir.resolve("tls");
        TlsMaterial old = TlsMaterial.load(new TlsSource.Generated(tls), "old.example");
        TlsMaterial renamed = TlsMaterial.load(new TlsSource.Generated(tls), "new.example");
        assertEquals(java.util.List.of("new.example", "localhost", "127.0.0.1"), renamed.subjectAlternativeNames());
        assertTrue(renamed.certificate().getSubjectX500Principal().getName().contains("CN=new.example"));
        assertEquals(old.certificate(), certificateIn(dir.resolve("tls.previous")), "the old pair is kept aside");
        assertEquals(renamed.certificate(), TlsMaterial.load(new TlsSource.Generated(tls), "new.example").certificate(),
                "made once for the new domain, not at every start");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tls.resolve("private-key.pem"))));
    }

    @Test
    void aDomainChangedAndChangedBackGetsItsOriginalCertificateBackNotAThird() throws IOException {
        Path tls = dir.resolve("tls");
        TlsMaterial original = TlsMaterial.load(new TlsSource.Generated(tls), "a.example");
        TlsMaterial intermediate = TlsMaterial.load(new TlsSource.Generated(tls), "b.example");
        TlsMaterial back = TlsMaterial.load(new TlsSource.Generated(tls), "a.example");
        assertEquals(original.certificate(), back.certificate(), "the pair peers trusted before is back in use");
        assertEquals(intermediate.certificate(), certificateIn(dir.resolve("tls.previous")), "the replaced one is kept");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tls.resolve("private-key.pem"))));
        assertEquals(intermediate.certificate(), TlsMaterial.load(new TlsSource.Generated(tls), "b.example").certificate(),
                "and back again");
        assertTrue(Files.notExists(dir.resolve("tls.swapping")));
    }

    @Test
    void aKeptPairThatExpiredOrLiaisonDidNotMakeIsNotTakenBack() throws Exception {
        Path tls = dir.resolve("tls");
        selfSigned(dir.resolve("tls.previous"), "CN=a.example,O=Liaison self-signed", "a.example",
                java.time.Instant.now().minus(java.time.Duration.ofDays(1)));
        TlsMaterial.load(new TlsSource.Generated(tls), "b.example");
        TlsMaterial renewed = TlsMaterial.load(new TlsSource.Generated(tls), "a.example");
        assertTrue(renewed.certificate().getNotAfter().toInstant().isAfter(java.time.Instant.now()), "a new pair, not the expired one");

        selfSigned(dir.resolve("tls.previous"), "CN=b.example,O=Example Ltd", "b.example");
        TlsMaterial own = TlsMaterial.load(new TlsSource.Generated(tls), "b.example");
        assertTrue(own.certificate().getSubjectX500Principal().getName().contains("O=Liaison self-signed"),
                "a pair Liaison did not make is not taken for one of its own");
    }

    @Test
    void aSwapCutShortIsPutBackAtTheNextStart() throws IOException {
        Path tls = dir.resolve("tls");
        TlsMaterial original = TlsMaterial.load(new TlsSource.Generated(tls), "a.example");
        Files.move(tls, dir.resolve("tls.swapping")); // killed after the swap's first rename
        assertEquals(original.certificate(), TlsMaterial.load(new TlsSource.Generated(tls), "a.example").certificate());
        assertTrue(Files.notExists(dir.resolve("tls.swapping")));
    }

    @Test
    void theLogNamesEachNameOnce() {
        var logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(TlsMaterial.class);
        var captured = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        captured.start();
        logger.addAppender(captured);
        try {
            // http.public-url https://localhost:… names localhost besides the domain
            TlsMaterial.load(new TlsSource.Generated(dir.resolve("tls")), java.util.List.of("a.example", "localhost"));
            TlsMaterial.load(new TlsSource.Generated(dir.resolve("tls")), java.util.List.of("b.example", "localhost"));
        } finally {
            logger.detachAppender(captured);
        }
        var lines = captured.list.stream().map(e -> e.getFormattedMessage()).toList();
        assertTrue(lines.get(0).startsWith("Generated a self-signed certificate for a.example, localhost and 127.0.0.1 in "),
                lines.get(0));
        assertTrue(lines.get(1).contains("generated a new one for b.example, localhost and 127.0.0.1 (the old one"),
                lines.get(1));
    }

    @Test
    void aGeneratedCertificateAlsoNamesThePublicHostAndIsMadeAgainWhenItIsNew() throws IOException {
        Path tls = dir.resolve("tls");
        TlsMaterial first = TlsMaterial.load(new TlsSource.Generated(tls), java.util.List.of("a.example"));
        assertEquals(first.certificate(), TlsMaterial.load(new TlsSource.Generated(tls),
                java.util.List.of("a.example", "localhost")).certificate(), "localhost is always named");
        TlsMaterial withHost = TlsMaterial.load(new TlsSource.Generated(tls), java.util.List.of("a.example", "relay.a.example"));
        assertEquals(java.util.List.of("a.example", "relay.a.example", "localhost", "127.0.0.1"),
                withHost.subjectAlternativeNames());
        TlsMaterial withAddress = TlsMaterial.load(new TlsSource.Generated(tls), java.util.List.of("a.example", "192.0.2.7"));
        assertEquals(java.util.List.of("a.example", "192.0.2.7", "localhost", "127.0.0.1"),
                withAddress.subjectAlternativeNames());
    }

    @Test
    void aCertificateFromAnOlderReleaseIsRecognisedAsGeneratedAndMadeAgain() throws Exception {
        Path tls = dir.resolve("tls");
        selfSigned(tls, "CN=old.example,O=Liaison self-signed", "old.example");
        assertEquals(java.util.List.of("new.example", "localhost", "127.0.0.1"),
                TlsMaterial.load(new TlsSource.Generated(tls), "new.example").subjectAlternativeNames());
    }

    @Test
    void aCertificateLiaisonDidNotMakeIsNeverReplacedEvenInTheGeneratedPlace() throws Exception {
        Path tls = dir.resolve("tls");
        java.security.cert.X509Certificate own = selfSigned(tls, "CN=old.example,O=Example Ltd", "old.example");
        byte[] before = Files.readAllBytes(tls.resolve("certificate.pem"));
        assertEquals(own, TlsMaterial.load(new TlsSource.Generated(tls), "new.example").certificate());
        assertEquals(java.util.Arrays.toString(before), java.util.Arrays.toString(Files.readAllBytes(tls.resolve("certificate.pem"))));
        assertTrue(Files.notExists(dir.resolve("tls.previous")));
    }

    @Test
    void anAdministratorsFilesAreNeverReplacedWhateverTheyName() throws IOException {
        Path tls = dir.resolve("admin");
        TlsMaterial generated = TlsMaterial.load(new TlsSource.Generated(tls), "old.example");
        byte[] before = Files.readAllBytes(tls.resolve("certificate.pem"));
        TlsMaterial loaded = TlsMaterial.load(new TlsSource.Files(tls.resolve("certificate.pem"),
                tls.resolve("private-key.pem")), java.util.List.of("new.example"));
        assertEquals(generated.certificate(), loaded.certificate());
        assertEquals(java.util.Arrays.toString(before), java.util.Arrays.toString(Files.readAllBytes(tls.resolve("certificate.pem"))));
        assertTrue(Files.notExists(dir.resolve("admin.previous")));
    }

    @Test
    void anExpiredGeneratedCertificateIsMadeAgain() throws Exception {
        Path tls = dir.resolve("tls");
        selfSigned(tls, "CN=a.example,O=Liaison self-signed", "a.example", java.time.Instant.now().minus(java.time.Duration.ofDays(1)));
        TlsMaterial renewed = TlsMaterial.load(new TlsSource.Generated(tls), "a.example");
        assertTrue(renewed.certificate().getNotAfter().toInstant().isAfter(java.time.Instant.now().plus(java.time.Duration.ofDays(800))));
    }

    @Test
    void checkingTheConfigurationsFilesCreatesNothingAndNamesABadPath() throws IOException {
        var generated = dev.liaison.gateway.config.Configuration.defaultsWith(java.util.Map.of("data-dir", dir.resolve("data").toString()));
        TlsMaterial.checkFiles(generated);
        assertTrue(Files.notExists(dir.resolve("data")), "a generated certificate is made by serve, not by a check");

        var wrong = dev.liaison.gateway.config.Configuration.defaultsWith(java.util.Map.of("data-dir", dir.toString(),
                "tls.certificate", dir.resolve("nowhere.pem").toString(), "tls.private-key", dir.resolve("key.pem").toString()));
        var e = assertThrows(ConfigurationException.class, () -> TlsMaterial.checkFiles(wrong));
        assertTrue(e.getMessage().endsWith("nowhere.pem does not exist"), e.getMessage());

        Path garbage = Files.writeString(dir.resolve("peers.pem"), "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n");
        var peers = dev.liaison.gateway.config.Configuration.defaultsWith(java.util.Map.of("data-dir", dir.toString(),
                "relay.trusted-certificates", garbage.toString()));
        var p = assertThrows(ConfigurationException.class, () -> TlsMaterial.checkFiles(peers));
        assertTrue(p.getMessage().startsWith("relay.trusted-certificates: " + garbage), p.getMessage());
        var absent = dev.liaison.gateway.config.Configuration.defaultsWith(java.util.Map.of("data-dir", dir.toString(),
                "relay.trusted-certificates", dir.resolve("absent.pem").toString()));
        var a = assertThrows(ConfigurationException.class, () -> TlsMaterial.checkFiles(absent));
        assertTrue(a.getMessage().endsWith("absent.pem does not exist"), a.getMessage());
    }

    private static java.security.cert.X509Certificate certificateIn(Path tls) throws IOException {
        return TlsMaterial.load(new TlsSource.Files(tls.resolve("certificate.pem"), tls.resolve("private-key.pem")),
                "any.example").certificate();
    }

    private static java.security.cert.X509Certificate selfSigned(Path tls, String subject, String dnsName) throws Exception {
        return selfSigned(tls, subject, dnsName, java.time.Instant.now().plus(java.time.Duration.ofDays(30)));
    }

    /** A self-signed pair as someone else (or an older release) made it, written where a generated one lives. */
    private static java.security.cert.X509Certificate selfSigned(Path tls, String subject, String dnsName,
                                                                java.time.Instant notAfter) throws Exception {
        var generator = java.security.KeyPairGenerator.getInstance("EC");
        generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        var pair = generator.generateKeyPair();
        var name = new org.bouncycastle.asn1.x500.X500Name(subject);
        var builder = new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(name, java.math.BigInteger.ONE,
                java.util.Date.from(notAfter.minus(java.time.Duration.ofDays(60))), java.util.Date.from(notAfter), name,
                pair.getPublic());
        builder.addExtension(org.bouncycastle.asn1.x509.Extension.subjectAlternativeName, false,
                new org.bouncycastle.asn1.x509.GeneralNames(new org.bouncycastle.asn1.x509.GeneralName(
                        org.bouncycastle.asn1.x509.GeneralName.dNSName, dnsName)));
        var certificate = new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().getCertificate(builder.build(
                new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
        Files.createDirectories(tls);
        try (var w = new org.bouncycastle.openssl.jcajce.JcaPEMWriter(Files.newBufferedWriter(tls.resolve("certificate.pem")))) {
            w.writeObject(certificate);
        }
        try (var w = new org.bouncycastle.openssl.jcajce.JcaPEMWriter(Files.newBufferedWriter(tls.resolve("private-key.pem")))) {
            w.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(pair.getPrivate(), null));
        }
        return certificate;
    }
}
