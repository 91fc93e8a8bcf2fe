package dev.liaison.gateway.transport.receive;

import dev.liaison.gateway.transport.Limits;
import dev.liaison.smtp.message.OctetBudget;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLEngine;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The receiving service's HTTP(S) listener on Netty's HTTP/1.1 codec: Netty is already the
 * network layer of the SMTP and IMAP servers, its codec bounds request line and headers, and
 * it lets us stream a body against our own limit instead of buffering whatever a peer sends.
 *
 * <p>Pipeline, in order: TLS (unless plain HTTP was chosen explicitly) so nothing is parsed before
 * the handshake; an idle timer so silent peers do not hold connections; the HTTP codec with our
 * line and header limits; the envelope handler. Storing runs on a bounded pool of blocking
 * threads; when it is full the peer gets 503 rather than an unbounded queue growing here.
 */
public final class ReceivingServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReceivingServer.class);
    private static final int MAX_CHUNK = 64 * 1024;
    private static final int STORE_QUEUE = 256;

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ThreadPoolExecutor blocking;
    private final Channel channel;
    private final OctetBudget budget;

    private ReceivingServer(EventLoopGroup boss, EventLoopGroup workers, ThreadPoolExecutor blocking, Channel channel,
                            OctetBudget budget) {
        this.budget = budget;
        this.boss = boss;
        this.workers = workers;
        this.blocking = blocking;
        this.channel = channel;
    }

    /** Binds and starts serving; fails if the port cannot be bound. */
    public static ReceivingServer start(ReceiverSettings settings, ServiceDescriptionSource description,
                                        EnvelopeIntake intake) {
        EventLoopGroup boss = new NioEventLoopGroup(1, new DefaultThreadFactory("transport-http-accept", true));
        EventLoopGroup workers = new NioEventLoopGroup(2, new DefaultThreadFactory("transport-http", true));
        ThreadPoolExecutor blocking = new ThreadPoolExecutor(Limits.INTAKE_THREADS, Limits.INTAKE_THREADS,
                60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(STORE_QUEUE), new DefaultThreadFactory("transport-intake", true));
        OctetBudget budget = new OctetBudget(settings.maxBufferedBytes(), settings.maxEnvelopeBytes()); // one for all connections
        ConnectionAdmission admission = new ConnectionAdmission(Limits.MAX_CONNECTIONS);
        try {
            Channel channel = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 256)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (admission.admit(ch)) {
                                pipeline(ch.pipeline(), settings, description, intake, blocking, budget);
                            }
                        }
                    })
                    .bind(new InetSocketAddress(settings.bindAddress(), settings.port()))
                    .syncUninterruptibly().channel();
            ReceivingServer server = new ReceivingServer(boss, workers, blocking, channel, budget);
            LOG.info("Receiving service listening on {} ({})", channel.localAddress(),
                    settings.security() instanceof ReceiverSettings.Security.Tls ? "HTTPS" : "plain HTTP");
            return server;
        } catch (Exception e) { // Netty rethrows the bind's BindException unchecked, undeclared
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            blocking.shutdownNow();
            String problem = "cannot listen on " + settings.bindAddress().getHostAddress() + ":"
                    + settings.port() + " for the receiving service: " + e.getMessage() + " (choose another http.port)";
            // a port that cannot be bound (in use, privileged) is the configuration's problem: unchecked IO
            throw e instanceof java.io.IOException io ? new java.io.UncheckedIOException(problem, io)
                    : new IllegalStateException(problem, e);
        }
    }

    private static void pipeline(ChannelPipeline p, ReceiverSettings settings, ServiceDescriptionSource description,
                                 EnvelopeIntake intake, ThreadPoolExecutor blocking, OctetBudget budget) {
        if (settings.security() instanceof ReceiverSettings.Security.Tls tls) {
            SSLEngine engine = tls.context().newEngine(p.channel().alloc());
            engine.setEnabledProtocols(Arrays.stream(engine.getSupportedProtocols())
                    .filter(v -> v.equals("TLSv1.3") || v.equals("TLSv1.2")).toArray(String[]::new));
            p.addLast("tls", new SslHandler(engine));
        }
        p.addLast("idle", new IdleStateHandler(0, 0, (int) Limits.IDLE_TIMEOUT.toSeconds()));
        p.addLast("http", new HttpServerCodec(Limits.MAX_INITIAL_LINE, Limits.MAX_HEADER_BYTES, MAX_CHUNK));
        p.addLast("headDeadline", new HeadDeadline(Limits.HEAD_DEADLINE, Limits.IDLE_TIMEOUT.plus(Limits.HEAD_DEADLINE)));
        p.addLast("envelopes", new EnvelopeHttpHandler(intake, description, blocking, settings, budget));
    }

    /** Envelope bytes the connections hold now ({@code maxBufferedBytes} at most). */
    public long bufferedBytes() {
        return budget.held();
    }

    /** Whether the listening socket is still open (false once closed). */
    public boolean listening() {
        return channel.isActive();
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        blocking.shutdown();
        try {
            blocking.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("Receiving service stopped");
    }
}
