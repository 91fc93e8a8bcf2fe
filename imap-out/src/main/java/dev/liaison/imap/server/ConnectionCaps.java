package dev.liaison.imap.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.apache.james.imap.api.ImapSessionState;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imapserver.netty.NettyConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One listener's bounds on connections that have not logged in, as Dovecot's imap-login keeps
 * them: at most {@link Limits#CONNECTIONS} open in all, at most
 * {@link Limits#UNAUTHENTICATED_CONNECTIONS_PER_ADDRESS} not yet logged in from one client address
 * (IPv4, or an IPv6 /64, as submission counts them), and a deadline to log in
 * ({@code ImapSettings.loginTimeout}). James kept no per-address count, and its only timeout
 * (30 minutes of silence) let a half-sent {@code LOGIN {1000}} hold a connection for good.
 *
 * <p>A connection over a cap hears {@code * BYE} with the reason instead of the greeting and is
 * closed; no IMAP session is made for it. One that has not logged in by the deadline hears
 * {@code * BYE} and is closed. Only connections not yet logged in count against their address, so
 * the users of one office behind one NAT address are not held back once logged in; a login gives
 * the address's place back ({@link #LOGGED_IN}).
 */
final class ConnectionCaps {

    /** The event a successful LOGIN or AUTHENTICATE fires on its connection's pipeline. */
    static final Object LOGGED_IN = new Object() {
        @Override
        public String toString() {
            return "logged in";
        }
    };

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionCaps.class);
    /** At most one refusal line per this many nanoseconds: a client hammering the cap cannot fill the log. */
    private static final long LOG_EVERY_NANOS = 60_000_000_000L;

    private final Duration loginTimeout;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<InetAddress, Integer> unauthenticated = new ConcurrentHashMap<>();
    private final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);
    private final AtomicLong refusedSinceLogged = new AtomicLong();
    /** Refused connections in the TLS handshake their {@code * BYE} needs (implicit TLS). */
    private final AtomicInteger refusing = new AtomicInteger();

    ConnectionCaps(Duration loginTimeout) {
        this.loginTimeout = loginTimeout;
    }

    /** The handler that counts one new connection in (and out when it closes or logs in). */
    ChannelInboundHandlerAdapter newHandler() {
        return new Gate();
    }

    /** Connections counted as one client's: an IPv4 address, or the /64 an IPv6 address is in. */
    static InetAddress key(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        byte[] prefix = Arrays.copyOf(address.getAddress(), 16);
        Arrays.fill(prefix, 8, 16, (byte) 0);
        try {
            return InetAddress.getByAddress(prefix);
        } catch (UnknownHostException impossible) {
            throw new AssertionError("16 octets are always an IPv6 address", impossible);
        }
    }

    private void release(InetAddress key) {
        unauthenticated.computeIfPresent(key, (k, n) -> n == 1 ? null : n - 1);
    }

    private void logRefusal(InetAddress address, String why) {
        long refused = refusedSinceLogged.incrementAndGet();
        long last = lastLogged.get();
        long now = System.nanoTime();
        if (now - last >= LOG_EVERY_NANOS && lastLogged.compareAndSet(last, now)) {
            refusedSinceLogged.addAndGet(-refused);
            LOG.warn("refused IMAP connection from {}: {} ({} refused since the last such line)",
                    address.getHostAddress(), why, refused);
        }
    }

    /** Refused connections in the TLS handshake their BYE needs now (for tests). */
    int refusalsInHandshake() {
        return refusing.get();
    }

    /** Addresses with a connection not yet logged in counted now (for tests): none once all closed. */
    int countedAddresses() {
        return unauthenticated.size();
    }

    /** Counts one connection; placed before James's framer, so a refused one is never decoded. */
    private final class Gate extends ChannelInboundHandlerAdapter {

        private InetAddress key;
        private boolean refused;
        private ScheduledFuture<?> deadline;

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            InetAddress address = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
            if (open.incrementAndGet() > Limits.CONNECTIONS) {
                open.decrementAndGet();
                refuse(ctx, address, "Too many connections; try again later",
                        Limits.CONNECTIONS + " connections open, the most this listener takes");
                return;
            }
            InetAddress counted = key(address);
            if (unauthenticated.merge(counted, 1, Integer::sum) > Limits.UNAUTHENTICATED_CONNECTIONS_PER_ADDRESS) {
                release(counted);
                open.decrementAndGet();
                refuse(ctx, address, "Too many connections from " + address.getHostAddress() + "; try again later",
                        Limits.UNAUTHENTICATED_CONNECTIONS_PER_ADDRESS + " connections not logged in from that address");
                return;
            }
            key = counted;
            ctx.channel().closeFuture().addListener(f -> {
                open.decrementAndGet();
                loggedInOrGone();
            });
            deadline = ctx.executor().schedule(() -> endIfNotLoggedIn(ctx), loginTimeout.toMillis(),
                    TimeUnit.MILLISECONDS);
            super.channelActive(ctx);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event == LOGGED_IN) {
                loggedInOrGone();
                return;
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (refused) {
                ReferenceCountUtil.release(msg); // nothing of a refused connection is decoded
                return;
            }
            super.channelRead(ctx, msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (!refused) {
                super.channelInactive(ctx);
            }
        }

        /** Gives the address's place back and stops the deadline (on the connection's event loop). */
        private void loggedInOrGone() {
            if (deadline != null) {
                deadline.cancel(false);
            }
            if (key != null) {
                release(key);
                key = null;
            }
        }

        private void endIfNotLoggedIn(ChannelHandlerContext ctx) {
            ImapSession session = ctx.channel().attr(NettyConstants.IMAP_SESSION_ATTRIBUTE_KEY).get();
            if (key == null || !ctx.channel().isActive()
                    || (session != null && session.getState() != ImapSessionState.NON_AUTHENTICATED)) {
                return;
            }
            LOG.info("IMAP connection from {} closed: not logged in within {} s",
                    ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress().getHostAddress(),
                    loginTimeout.toSeconds());
            ctx.channel().config().setAutoRead(false);
            ctx.writeAndFlush(bye("Not logged in within " + loginTimeout.toSeconds() + " seconds; closing"))
                    .addListener(ChannelFutureListener.CLOSE);
        }

        /**
         * {@code * BYE} instead of the greeting, then close; the rest of the pipeline never sees the
         * connection. Over implicit TLS the client can only read the BYE after a handshake, which
         * costs the server a key exchange: at most {@link Limits#UNAUTHENTICATED_CONNECTIONS_PER_ADDRESS}
         * refused connections are in theirs at once (as submission bounds its 421s); beyond that a
         * refused connection is closed at once, without one, so a flood of connections over the caps
         * cannot make the server do one handshake per connection.
         */
        private void refuse(ChannelHandlerContext ctx, InetAddress address, String reply, String why) {
            refused = true;
            if (ctx.pipeline().get(SslHandler.class) != null) {
                if (refusing.incrementAndGet() > Limits.UNAUTHENTICATED_CONNECTIONS_PER_ADDRESS) {
                    refusing.decrementAndGet();
                    logRefusal(address, why + "; closed without a reply, as "
                            + Limits.UNAUTHENTICATED_CONNECTIONS_PER_ADDRESS
                            + " refused connections are in the TLS handshake their BYE needs already");
                    ctx.close();
                    return;
                }
                ctx.channel().closeFuture().addListener(f -> refusing.decrementAndGet());
            }
            logRefusal(address, why);
            ctx.writeAndFlush(bye(reply)).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static Object bye(String text) {
        return Unpooled.copiedBuffer("* BYE " + text + "\r\n", StandardCharsets.US_ASCII);
    }
}
