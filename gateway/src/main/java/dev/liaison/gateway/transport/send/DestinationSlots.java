package dev.liaison.gateway.transport.send;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Counts POSTs in flight per destination in this process, so one slow or failing receiver can
 * hold at most {@code limit} delivery threads and the others keep flowing. The limit is per
 * process: with several gateway nodes on one database a receiver may see nodes × limit.
 */
final class DestinationSlots {

    private final int limit;
    private final Map<String, Integer> inFlight = new HashMap<>();

    DestinationSlots(int limit) {
        this.limit = limit;
    }

    synchronized boolean tryAcquire(String destination) {
        int current = inFlight.getOrDefault(destination, 0);
        if (current >= limit) {
            return false;
        }
        inFlight.put(destination, current + 1);
        return true;
    }

    synchronized void release(String destination) {
        inFlight.computeIfPresent(destination, (d, n) -> n <= 1 ? null : n - 1);
    }

    /** Destinations with no free slot, to leave out of the next claim. */
    synchronized Set<String> saturated() {
        Set<String> full = new java.util.HashSet<>();
        inFlight.forEach((d, n) -> {
            if (n >= limit) {
                full.add(d);
            }
        });
        return full;
    }
}
