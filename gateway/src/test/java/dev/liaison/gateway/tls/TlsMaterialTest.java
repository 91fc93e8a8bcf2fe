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
}
