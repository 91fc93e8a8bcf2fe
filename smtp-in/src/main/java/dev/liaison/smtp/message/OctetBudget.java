package dev.liaison.smtp.message;

import dev.liaison.smtp.address.ClientPrefix;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Octets that the connections of one server may hold in memory at once, with a share per sender.
 * A server that buffers what it receives until it is stored (a message until its commit, an
 * envelope until its intake) bounds each item, but anyone may connect: without a bound over all
 * connections, a few hundred large items at once would exhaust the heap. One sender holds at most
 * a quarter, never less than one item, so a single sender cannot keep the others out. A sender is
 * an IP address (an IPv6 /64, which one host usually has whole) or, where senders are known by
 * name (authenticated submission), that name. Thread-safe.
 */
public final class OctetBudget {

    /** A sender may hold at most the budget divided by this. */
    static final int SENDER_SHARE = 4;

    private final long perSender;
    private final long total;
    private long available;
    private final Map<Object, Long> heldBySender = new HashMap<>();

    /** @param largestItem the largest item a sender must always be able to hold (its share is never less) */
    public OctetBudget(long octets, long largestItem) {
        if (octets < largestItem || largestItem < 1) {
            throw new IllegalArgumentException("a budget of " + octets + " octets must hold one item of " + largestItem);
        }
        this.total = octets;
        this.available = octets;
        this.perSender = Math.max(largestItem, octets / SENDER_SHARE);
    }

    /**
     * Takes {@code octets} for {@code sender} (an {@link InetAddress}, or a name such as a login) if
     * the budget and its share have them; false (nothing taken) otherwise.
     */
    public synchronized boolean take(Object sender, long octets) {
        Object key = senderKey(sender);
        long held = heldBySender.getOrDefault(key, 0L);
        if (octets > available || held + octets > perSender) {
            return false;
        }
        available -= octets;
        heldBySender.put(key, held + octets);
        return true;
    }

    /** Octets held now, over all senders (for a gauge). */
    public synchronized long held() {
        return total - available;
    }

    /** Whether {@link #take} would succeed now (nothing is taken). */
    public synchronized boolean hasRoom(Object sender, long octets) {
        return octets <= available && heldBySender.getOrDefault(senderKey(sender), 0L) + octets <= perSender;
    }

    /** Gives back {@code octets} that {@code sender} took. */
    public synchronized void give(Object sender, long octets) {
        if (octets == 0) {
            return;
        }
        available += octets;
        heldBySender.computeIfPresent(senderKey(sender), (k, held) -> held == octets ? null : held - octets);
    }

    /** Senders counted as one: an IPv4 address, or an IPv6 /64 ({@link ClientPrefix}); a name is its own key. */
    private static Object senderKey(Object sender) {
        return sender instanceof InetAddress address ? ClientPrefix.of(address)
                : java.util.Objects.requireNonNull(sender, "sender");
    }
}
