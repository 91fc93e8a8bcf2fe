package dev.liaison.imap.server;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.decode.ImapDecoder;
import org.apache.james.imap.encode.ImapEncoder;
import org.apache.james.imapserver.netty.IMAPServer;
import org.apache.james.metrics.api.NoopGaugeRegistry;
import org.apache.james.protocols.api.ClientAuth;
import org.apache.james.protocols.netty.ChannelHandlerFactory;
import org.apache.james.protocols.netty.Encryption;

import javax.net.ssl.SSLEngine;

/**
 * James's Netty IMAP server with TLS from an {@link SslContext} the caller owns (gateway's
 * certificate, in OpenSSL's engine when it has one), instead of James's keystore-file
 * configuration: implicit TLS (imaps) or STARTTLS. TLS 1.2 and 1.3 only (RFC 8996).
 */
final class TlsImapServer extends IMAPServer {

    private static final String[] TLS_PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final SslContext tls;
    private final boolean startTls;
    private final ConnectionCaps caps;

    TlsImapServer(ImapDecoder decoder, ImapEncoder encoder, ImapProcessor processor, Transport transport) {
        super(decoder, encoder, processor, ConnectionMetrics.reportingTo(transport.events()), new NoopGaugeRegistry());
        this.tls = transport.tls();
        this.startTls = transport.startTls();
        this.caps = new ConnectionCaps(transport.loginTimeout());
    }

    @Override
    protected void buildSSLContext() {
        encryption = new ContextEncryption(tls, startTls);
    }

    /**
     * James's framer, with {@link ConnectionCaps}, {@link QuietResets}, {@link InjectedCommands} and {@link LongLines.Tracker}
     * put in front of it:
     * James builds the pipeline in an initializer this class cannot extend, and the framer's
     * factory is the one hook it calls with the pipeline, just before the framer is added.
     */
    @Override
    protected ChannelHandlerFactory createFrameHandlerFactory() {
        ChannelHandlerFactory framer = super.createFrameHandlerFactory();
        return pipeline -> {
            pipeline.addLast("connectionCaps", caps.newHandler());
            pipeline.addLast("quietResets", QuietResets.INSTANCE);
            pipeline.addLast("injectedCommands", new InjectedCommands());
            pipeline.addLast("lineStarts", new LongLines.Tracker());
            return framer.create(pipeline);
        };
    }

    /** Refused connections in their TLS handshake now (for tests). */
    int refusalsInHandshake() {
        return caps.refusalsInHandshake();
    }

    /** The port actually bound (the configured one, or the one the OS chose for port 0). */
    int boundPort() {
        return getListenAddresses().get(0).getPort();
    }

    /** How a listener speaks TLS, whom it tells about connections, and how long a login may take. */
    record Transport(SslContext tls, boolean startTls, ImapEvents events, java.time.Duration loginTimeout) {
    }

    /** James's {@link Encryption} over a Netty context (James's own takes only a JDK {@code SSLContext}). */
    private record ContextEncryption(SslContext context, boolean isStartTLS) implements Encryption {

        @Override
        public boolean supportsEncryption() {
            return true;
        }

        @Override
        public String[] getEnabledCipherSuites() {
            return context.cipherSuites().toArray(String[]::new);
        }

        @Override
        public ClientAuth getClientAuth() {
            return ClientAuth.NONE;
        }

        @Override
        public SslHandler sslHandler() {
            SSLEngine engine = context.newEngine(ByteBufAllocator.DEFAULT);
            engine.setEnabledProtocols(TLS_PROTOCOLS);
            return new SslHandler(engine); // James answers STARTTLS before it installs the handler
        }
    }
}
