package dev.liaison.smtp.server;

import dev.liaison.smtp.address.ClientPrefix;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One listener's caps on open connections: {@code maxConnections} in all and
 * {@code maxConnectionsPerAddress} from one client address (an IPv4 address or an IPv6 /64, which
 * one host usually has whole, as the octet budget and the AUTH throttle count them). A connection
 * over a cap gets {@code 421} and is closed (RFC 5321 §3.8: a server that must close answers
 * {@code 421} first, and the client retries later) instead of the greeting. It gets no SMTP session
 * at all: no James handler runs for it.
 *
 * <p>James's {@code ConnectionLimitUpstreamHandler} and {@code ConnectionPerIpLimitUpstreamHandler}
 * closed such a connection without a word, which a client reports as a broken connection rather than
 * a busy server, and kept an entry for every address ever seen.
 *
 * <p>Counted when the listener sets a connection up ({@link #admit}), before any TLS work or
 * greeting; given back when it closes. Over implicit TLS (465) the {@code 421} can only be read
 * inside TLS, so the handshake is made for it, as Postfix's smtpd in wrapper mode does, and the
 * client reads the same reply as on 587. Those handshakes are bounded: at most
 * {@code maxConnectionsPerAddress} refused connections are in theirs at once per listener (each
 * ends within the TLS handler's handshake timeout), so refusals cost no more than one more client's
 * share of connections, which any client could get by opening and closing connections under its cap.
 * Past that bound a refused connection is closed at once, without a reply, and the log line says so.
 */
final class ConnectionCaps {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionCaps.class);
    /** At most one log line per this many nanoseconds: a client hammering the cap cannot fill the log. */
    private static final long LOG_EVERY_NANOS = 60_000_000_000L;

    private final int maxConnections;
    private final int maxPerAddress;
    private final String hostname;
    private final AtomicInteger open = new AtomicInteger();
    /** Refused connections in their TLS handshake (implicit TLS), for their 421: at most {@link #maxPerAddress}. */
    private final AtomicInteger refusing = new AtomicInteger();
    private final Map<Object, Integer> openByAddress = new ConcurrentHashMap<>();
    /** Refusals answered with 421, and those closed without one: each kind has its own line a minute. */
    private final RefusalLog answered = new RefusalLog();
    private final RefusalLog unanswered = new RefusalLog();

    ConnectionCaps(int maxConnections, int maxPerAddress, String hostname) {
        this.maxConnections = maxConnections;
        this.maxPerAddress = maxPerAddress;
        this.hostname = hostname;
    }

    /**
     * Why a connection was not admitted: the reply it gets before it is closed.
     *
     * @param reply     the {@code 421} line; null when the connection is closed without one
     * @param handshake whether a TLS handshake is made first (implicit TLS), the only way the client
     *                  can read the reply there
     */
    record Refusal(String reply, boolean handshake) {
    }

    /**
     * Counts {@code channel} in, or says why not. One that is counted is counted out when it closes;
     * one that is refused was never counted. Over implicit TLS ({@code implicitTls}) a refusal comes
     * with a handshake while fewer than {@code maxConnectionsPerAddress} refused connections are in
     * theirs, else without a reply.
     */
    Optional<Refusal> admit(Channel channel, boolean implicitTls) {
        InetAddress address = ((InetSocketAddress) channel.remoteAddress()).getAddress();
        if (open.incrementAndGet() > maxConnections) {
            open.decrementAndGet();
            return Optional.of(refusal(channel, implicitTls, address, "421 4.3.2 " + hostname
                    + " Service busy: too many connections; try again later\r\n",
                    maxConnections + " connections open, the most this listener takes"));
        }
        Object key = key(address);
        if (openByAddress.merge(key, 1, Integer::sum) > maxPerAddress) {
            release(key);
            return Optional.of(refusal(channel, implicitTls, address, "421 4.7.0 " + hostname
                    + " Error: too many connections from " + address.getHostAddress() + "\r\n",
                    maxPerAddress + " connections open from that address, the most it may have"));
        }
        channel.closeFuture().addListener(f -> release(key));
        return Optional.empty();
    }

    private Refusal refusal(Channel channel, boolean implicitTls, InetAddress address, String reply, String why) {
        if (!implicitTls) {
            answered.log(address, "with 421: " + why);
            return new Refusal(reply, false);
        }
        if (refusing.incrementAndGet() > maxPerAddress) {
            refusing.decrementAndGet();
            unanswered.log(address, "without a reply, as " + maxPerAddress + " refused connections are in the TLS"
                    + " handshake their 421 needs already: " + why);
            return new Refusal(null, false);
        }
        channel.closeFuture().addListener(f -> refusing.decrementAndGet());
        answered.log(address, "with 421 after the TLS handshake: " + why);
        return new Refusal(reply, true);
    }

    /** One WARN line for the first refusal in a minute, counting those that were not logged. */
    private static final class RefusalLog {
        private final AtomicLong refusedSinceLogged = new AtomicLong();
        private final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);

        void log(InetAddress address, String how) {
            long refused = refusedSinceLogged.incrementAndGet();
            long last = lastLogged.get();
            long now = System.nanoTime();
            if (now - last >= LOG_EVERY_NANOS && lastLogged.compareAndSet(last, now)) {
                refusedSinceLogged.addAndGet(-refused);
                LOG.warn("refused SMTP connection from {} {} ({} refused since the last such line)",
                        address.getHostAddress(), how, refused);
            }
        }
    }

    /** Open connections counted now (for tests). */
    int open() {
        return open.get();
    }

    /** Refused connections in their TLS handshake now (for tests). */
    int refusing() {
        return refusing.get();
    }

    /** Addresses with a connection counted now (for tests): none is kept once its connections closed. */
    int addresses() {
        return openByAddress.size();
    }

    private void release(Object key) {
        openByAddress.computeIfPresent(key, (k, n) -> n == 1 ? null : n - 1);
        open.decrementAndGet();
    }

    /** Connections counted as one client's: an IPv4 address, or the /64 an IPv6 address is in. */
    static InetAddress key(InetAddress address) {
        return ClientPrefix.of(address);
    }

    /**
     * The only handler after the TLS handler (if there is one) on a refused connection: writes the
     * {@code 421} as soon as it can be read (at once in plaintext, after the handshake over implicit
     * TLS), closes, and reads nothing the client sends. The TLS handler's handshake timeout bounds
     * how long a client that never completes the handshake holds the connection.
     */
    static final class Refuse extends ChannelInboundHandlerAdapter {
        private final String reply;

        /** @param reply the reply; null to close at once without one */
        Refuse(String reply) {
            this.reply = reply;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (reply == null) {
                ctx.close();
            } else if (ctx.pipeline().get(SslHandler.class) == null) {
                answer(ctx);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof SslHandshakeCompletionEvent handshake) {
                if (handshake.isSuccess()) {
                    answer(ctx);
                } else {
                    ctx.close();
                }
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!(cause instanceof IOException)) {
                LOG.debug("refused SMTP connection {} failed: {}", ctx.channel().id(), cause.toString());
            }
            ctx.close();
        }

        private void answer(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(Unpooled.copiedBuffer(reply, StandardCharsets.US_ASCII))
                    .addListener(ChannelFutureListener.CLOSE);
        }
    }
}
