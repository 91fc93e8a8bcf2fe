package dev.liaison.smtp.server;

import dev.liaison.smtp.framing.StrictLineDecoder;
import dev.liaison.smtp.submission.Limits;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.james.protocols.api.Protocol;
import org.apache.james.protocols.netty.AbstractAsyncServer;
import org.apache.james.protocols.netty.BasicChannelInboundHandler;
import org.apache.james.protocols.netty.Encryption;
import org.apache.james.protocols.netty.HandlerConstants;
import org.apache.james.protocols.netty.ProtocolMDCContextFactory;
import org.apache.james.protocols.netty.TimeoutHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One listening socket of an SMTP service (submission with STARTTLS or implicit TLS, or the inbound
 * MX with optional STARTTLS). James's
 * {@code NettyServer} is not used because its pipeline hard-wires Netty's lenient
 * {@code LineBasedFrameDecoder} (bare LF ends a line) and runs the framer on a separate executor;
 * this pipeline is James's, with the framer replaced, and everything on the channel's event loop.
 *
 * <p>Threading: James's hooks are synchronous, so they run on the I/O threads and a blocking
 * {@code SubmissionHandler} commit occupies one for its duration; size
 * {@code SmtpSettings.ioThreads} for the commits that should run at once. Keeping the core
 * handler on the event loop is also what makes STARTTLS safe: James writes the 220 reply and
 * installs the TLS handler in one step only when called on the event loop.
 */
final class SmtpListener extends AbstractAsyncServer {

    /** TLS 1.0 and 1.1 are deprecated (RFC 8996). */
    static final String[] TLS_PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    private static final Duration STOP_WAIT = Duration.ofSeconds(60);
    private static final Logger LOG = LoggerFactory.getLogger(SmtpListener.class);

    private final Protocol protocol;
    private final Encryption encryption;
    private final Limits limits;
    private final FramingReplies framingReplies;
    private final boolean longMessageLines;
    private final ConnectionCaps caps;
    private volatile EventLoopGroup[] groups = {};

    /**
     * @param longMessageLines whether message lines over {@code limits.maxLineOctets} are taken as
     *        sent (the inbound MX: mail from the Internet has them, and splitting one would break its
     *        DKIM signature), bounded by the message size; else such a message is refused
     */
    SmtpListener(String name, Protocol protocol, Encryption encryption, Limits limits, FramingReplies framingReplies,
                 boolean longMessageLines) {
        this.protocol = protocol;
        this.longMessageLines = longMessageLines;
        this.encryption = encryption;
        this.limits = limits;
        this.framingReplies = framingReplies;
        this.caps = new ConnectionCaps(limits.maxConnections(), limits.maxConnectionsPerAddress(),
                protocol.getConfiguration().getHelloName());
        this.jmxName = name;
    }

    /**
     * Binds and returns once the socket accepts connections.
     *
     * @throws IOException if the port cannot be bound; nothing is left listening then
     */
    void bind(InetAddress address, int port, int ioThreads) throws IOException {
        setListenAddresses(new InetSocketAddress(address, port));
        setIoWorkerCount(ioThreads);
        setBossWorkerCount(Optional.of(1));
        setTimeout((int) limits.idleTimeout().toSeconds());
        try {
            bind();
        } catch (Exception e) { // a bare BindException says "Address already in use" and not which port
            throw new IOException("cannot start SMTP listener " + jmxName + " on " + address.getHostAddress()
                    + " port " + port + ": " + e.getMessage(), e);
        }
    }

    /**
     * Stops accepting and closes the I/O threads once the tasks they run have finished: a commit in
     * progress completes and is answered, then the connections close. James's own unbind uses
     * Netty's default shutdown, which first waits for two seconds without any task; with two
     * listeners per service and two services, that made every stop of a gateway take seconds longer.
     */
    @Override
    public synchronized void unbind() {
        for (EventLoopGroup group : groups) {
            group.shutdownGracefully(0, 15, TimeUnit.SECONDS);
        }
        for (EventLoopGroup group : groups) {
            if (!group.terminationFuture().awaitUninterruptibly(STOP_WAIT.toMillis())) {
                LOG.warn("SMTP listener {} still busy {} s after it was told to stop; stopping without it", jmxName,
                        STOP_WAIT.toSeconds());
            }
        }
        // The threads have closed every channel as they ended. James's unbind must not wait as well:
        // it closes its (closed) server channels through those ended threads, a task an ending
        // thread can drop, and then waited for that close for good.
        setGracefulShutdown(false);
        super.unbind();
    }

    @Override
    protected void configureBootstrap(ServerBootstrap bootstrap) {
        super.configureBootstrap(bootstrap);
        groups = new EventLoopGroup[] {bootstrap.config().group(), bootstrap.config().childGroup()};
    }

    /**
     * Connections this listener counts as open now, the client addresses they are from, and refused
     * connections in the TLS handshake for their 421 (for tests).
     */
    int[] counted() {
        return new int[] {caps.open(), caps.addresses(), caps.refusing()};
    }

    int boundPort() {
        return getListenAddresses().stream().mapToInt(InetSocketAddress::getPort).findFirst()
                .orElseThrow(() -> new IllegalStateException(jmxName + " is not bound"));
    }

    @Override
    protected ChannelInitializer<SocketChannel> createPipelineFactory() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel channel) {
                caps.admit(channel, !encryption.isStartTLS()).ifPresentOrElse(refusal -> refuse(channel.pipeline(), refusal),
                        () -> build(channel.pipeline()));
            }
        };
    }

    /**
     * A connection over a {@link ConnectionCaps} cap: its {@code 421}, over implicit TLS after the
     * handshake (unless too many refusals are in theirs: then closed at once), and nothing else.
     */
    private void refuse(ChannelPipeline pipeline, ConnectionCaps.Refusal refusal) {
        if (refusal.handshake()) {
            pipeline.addLast(HandlerConstants.SSL_HANDLER, encryption.sslHandler());
        }
        pipeline.addLast("refuse", new ConnectionCaps.Refuse(refusal.reply()));
    }

    /** The pipeline, inbound order; the names are James's because its transport looks them up. */
    private void build(ChannelPipeline pipeline) {
        // Implicit TLS decrypts before framing. For STARTTLS James later adds the same handler first.
        if (!encryption.isStartTLS()) {
            pipeline.addLast(HandlerConstants.SSL_HANDLER, encryption.sslHandler());
        }
        pipeline.addLast(HandlerConstants.FRAMER, new StrictLineDecoder(limits.maxLineOctets(), FramingReplies::inMessage,
                longMessageLines));
        // Before framingReplies: the parts of a long message line, which go no further than that,
        // are input too, so a line arriving for longer than the idle timeout is not cut off.
        pipeline.addLast(HandlerConstants.TIMEOUT_HANDLER, new TimeoutHandler((int) limits.idleTimeout().toSeconds()));
        // Answers framing events in order with the replies James writes for earlier lines.
        pipeline.addLast("framingReplies", framingReplies);
        pipeline.addLast(HandlerConstants.CHUNK_HANDLER, new ChunkedWriteHandler());
        pipeline.addLast(HandlerConstants.CORE_HANDLER,
                new BasicChannelInboundHandler(new ProtocolMDCContextFactory.Standard(), protocol, encryption, false));
    }
}
