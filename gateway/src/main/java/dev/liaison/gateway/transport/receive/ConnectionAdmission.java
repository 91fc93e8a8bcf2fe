package dev.liaison.gateway.transport.receive;

import dev.liaison.smtp.message.OctetBudget;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Admits a connection only while the receiving service holds fewer than its bound, and its peer
 * (an IPv4 address, an IPv6 /64) fewer than a quarter of it; others are closed at once, before TLS.
 * Counted with the same {@link OctetBudget} that bounds the bytes uploads hold: one unit per
 * connection, shared per peer the same way.
 */
@ChannelHandler.Sharable
final class ConnectionAdmission extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionAdmission.class);
    private static final AttributeKey<InetAddress> ADMITTED = AttributeKey.valueOf("liaison.admitted");

    private final OctetBudget connections;

    ConnectionAdmission(int maxConnections) {
        this.connections = new OctetBudget(maxConnections, 1);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        InetAddress peer = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
        if (!connections.take(peer, 1)) {
            LOG.debug("Connection from {} refused: the receiving service or this peer's share is full", peer);
            ctx.close();
            return;
        }
        ctx.channel().attr(ADMITTED).set(peer);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        InetAddress peer = ctx.channel().attr(ADMITTED).getAndSet(null);
        if (peer != null) {
            connections.give(peer, 1);
            super.channelInactive(ctx);
        }
    }

    /** Connections held now. */
    long held() {
        return connections.held();
    }
}
