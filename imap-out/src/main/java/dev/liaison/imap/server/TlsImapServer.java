package dev.liaison.imap.server;

import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.decode.ImapDecoder;
import org.apache.james.imap.encode.ImapEncoder;
import org.apache.james.imapserver.netty.IMAPServer;
import org.apache.james.metrics.api.NoopGaugeRegistry;
import org.apache.james.protocols.netty.Encryption;

import javax.net.ssl.SSLContext;

/**
 * James's Netty IMAP server with TLS from an {@link SSLContext} the caller owns (gateway's
 * certificate), instead of James's keystore-file configuration: implicit TLS (imaps) or STARTTLS.
 */
final class TlsImapServer extends IMAPServer {

    private final SSLContext tls;
    private final boolean startTls;

    TlsImapServer(ImapDecoder decoder, ImapEncoder encoder, ImapProcessor processor, Transport transport) {
        super(decoder, encoder, processor, ConnectionMetrics.reportingTo(transport.events()), new NoopGaugeRegistry());
        this.tls = transport.tls();
        this.startTls = transport.startTls();
    }

    @Override
    protected void buildSSLContext() {
        encryption = startTls ? Encryption.createStartTls(tls) : Encryption.createTls(tls);
    }

    /** The port actually bound (the configured one, or the one the OS chose for port 0). */
    int boundPort() {
        return getListenAddresses().get(0).getPort();
    }

    /** How a listener speaks TLS, and whom it tells about connections. */
    record Transport(SSLContext tls, boolean startTls, ImapEvents events) {
    }
}
