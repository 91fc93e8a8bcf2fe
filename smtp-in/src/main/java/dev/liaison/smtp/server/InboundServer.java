package dev.liaison.smtp.server;

import dev.liaison.smtp.inbound.InboundServices;
import dev.liaison.smtp.inbound.InboundSettings;
import dev.liaison.smtp.message.HeaderRules;
import dev.liaison.smtp.message.MessageAssembler;
import java.io.IOException;
import java.util.Objects;
import io.netty.handler.ssl.SslContext;
import org.apache.james.protocols.api.handler.WiringException;
import org.apache.james.protocols.smtp.SMTPProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbound MX (RFC 5321 relay-to-final-destination, normally port 25): mail from the Internet
 * for this gateway's own domains, from anyone, without AUTH, STARTTLS offered but not required
 * (RFC 3207 §4: a publicly-referenced server must not require it), never relaying. The same strict
 * framing, path grammar and limits as {@link SubmissionServer}; in addition every message's sender
 * is checked with SPF, DKIM and DMARC before gateway's {@code InboundHandler} is asked. Start it
 * with {@link #start}; {@link #close} stops it.
 */
public final class InboundServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InboundServer.class);

    private final SmtpListener listener;

    private final MessageAssembler assembler;

    private InboundServer(SmtpListener listener, MessageAssembler assembler) {
        this.assembler = assembler;
        this.listener = listener;
    }

    /**
     * Binds the listener and returns once it accepts connections.
     *
     * @param settings where to listen, the host name, the served domains, the limits
     * @param tls      the certificate offered with STARTTLS (gateway's configured or generated one)
     * @param services gateway's recipient policy and handler, the DNS for sender authentication
     * @throws IOException if the port cannot be bound (nothing is left listening then)
     */
    public static InboundServer start(InboundSettings settings, SslContext tls, InboundServices services)
            throws IOException {
        Objects.requireNonNull(tls, "tls");
        MessageAssembler assembler = MessageAssembler.forInbound(settings.limits(), HeaderRules.forInbound(settings.hostname(), settings.domains()));
        SMTPProtocol protocol;
        try {
            protocol = InboundProtocol.create(settings, services, assembler);
        } catch (WiringException e) {
            throw new AssertionError("the inbound handler chain is fixed and wires", e);
        }
        SmtpListener listener = new SmtpListener("smtp-inbound", protocol,
                TlsEncryption.startTls(tls), settings.limits(),
                new FramingReplies(assembler), true);
        listener.bind(settings.bindAddress(), settings.port(), settings.ioThreads());
        InboundServer server = new InboundServer(listener, assembler);
        LOG.info("SMTP inbound MX listening on {} port {} (STARTTLS offered) for {}",
                settings.bindAddress().getHostAddress(), server.port(), settings.domains());
        return server;
    }

    /** The bound port (the actual one when 0 was configured). */
    public int port() {
        return listener.boundPort();
    }

    /** Message octets the MX's sessions hold now ({@code Limits.maxBufferedOctets} at most). */
    public long bufferedOctets() {
        return assembler.bufferedOctets();
    }

    /** Whether the listener still accepts connections. */
    public boolean listening() {
        return listener.isBound();
    }

    /**
     * Stops accepting, lets a commit in progress complete, then closes every connection; a sending
     * server whose connection closes before its 250 retries. Idempotent.
     */
    @Override
    public void close() {
        listener.unbind();
        LOG.info("SMTP inbound MX stopped");
    }
}
