package dev.liaison.gateway.transport.receive;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * The envelope bytes all connections may hold at once, from the first byte of a body until its
 * envelope is stored. Each connection is bounded by the largest envelope, but anyone may connect:
 * without a bound over all of them, a few dozen uploads of 16 MiB at once would exhaust the heap.
 * A body that finds the budget spent is answered 503 with Retry-After; its sender retries later.
 * A declared length is taken whole when the request arrives (so the 503 comes before the body is
 * sent, and the receive buffer made for it is covered); a chunked body takes as its bytes arrive.
 *
 * <p>One peer holds at most a quarter of the budget (never less than one envelope): a sending
 * gateway delivers to one destination over a few connections at a time, so a peer that holds more
 * is keeping the others out. An IPv6 peer is its /64, which one host usually has whole.
 */
final class UploadBudget {

    /** A peer may hold at most the budget divided by this. */
    static final int PEER_SHARE = 4;

    private final long perPeer;
    private long available;
    private final Map<Share, Long> heldByPeer = new HashMap<>();

    UploadBudget(long bytes, int maxEnvelopeBytes) {
        this.available = bytes;
        this.perPeer = Math.max(maxEnvelopeBytes, bytes / PEER_SHARE);
    }

    /** Takes {@code bytes} for {@code peer} if the budget and the peer's share have them; false (and nothing taken) otherwise. */
    synchronized boolean take(InetAddress peer, int bytes) {
        Share key = Share.of(peer);
        long held = heldByPeer.getOrDefault(key, 0L);
        if (bytes > available || held + bytes > perPeer) {
            return false;
        }
        available -= bytes;
        heldByPeer.put(key, held + bytes);
        return true;
    }

    synchronized void give(InetAddress peer, int bytes) {
        if (bytes == 0) {
            return;
        }
        available += bytes;
        heldByPeer.computeIfPresent(Share.of(peer), (k, held) -> held == bytes ? null : held - bytes);
    }

    /** Peers counted as one: an IPv4 address, or an IPv6 /64. */
    private record Share(long prefix, boolean v6) {
        static Share of(InetAddress peer) {
            byte[] address = peer.getAddress();
            boolean v6 = peer instanceof Inet6Address;
            long prefix = 0;
            for (int i = 0; i < (v6 ? 8 : 4); i++) {
                prefix = prefix << 8 | (address[i] & 0xff);
            }
            return new Share(prefix, v6);
        }
    }
}
