package dev.liaison.gateway.transport.receive;

import dev.liaison.smtp.message.OctetBudget;
import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Admits a connection only while the receiving service holds fewer than its bound, and its peer
 * (an IPv4 address, an IPv6 /64) fewer than a quarter of it; others are closed as they come, before
 * any handler (TLS included) is built for them. Counted with the same {@link OctetBudget} that
 * bounds the bytes uploads hold: one unit per connection, shared per peer the same way, given back
 * when the connection closes.
 */
final class ConnectionAdmission {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionAdmission.class);

    private final OctetBudget connections;

    ConnectionAdmission(int maxConnections) {
        this.connections = new OctetBudget(maxConnections, 1);
    }

    /** Whether {@code channel} may be served; if not, it is being closed. */
    boolean admit(Channel channel) {
        InetAddress peer = ((InetSocketAddress) channel.remoteAddress()).getAddress();
        if (!connections.take(peer, 1)) {
            LOG.debug("Connection from {} refused: the receiving service or this peer's share is full", peer);
            channel.close();
            return false;
        }
        channel.closeFuture().addListener(closed -> connections.give(peer, 1));
        return true;
    }

    /** Connections held now. */
    long held() {
        return connections.held();
    }
}
