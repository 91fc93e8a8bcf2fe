package dev.liaison.gateway.transport.receive;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The envelope bytes all connections may hold at once, from the first byte of a body until its
 * envelope is stored. Each connection is bounded by the largest envelope, but anyone may connect:
 * without a bound over all of them, a few dozen uploads of 16 MiB at once would exhaust the heap.
 * A body that finds the budget spent is answered 503 with Retry-After; its sender retries later.
 * A declared length is taken whole when the request arrives (so the 503 comes before the body is
 * sent, and the receive buffer made for it is covered); a chunked body takes as its bytes arrive.
 */
final class UploadBudget {

    private final AtomicLong available;

    UploadBudget(long bytes) {
        this.available = new AtomicLong(bytes);
    }

    /** Takes {@code bytes} if that many are left; false (and nothing taken) otherwise. */
    boolean take(int bytes) {
        for (long left = available.get(); left >= bytes; left = available.get()) {
            if (available.compareAndSet(left, left - bytes)) {
                return true;
            }
        }
        return false;
    }

    void give(int bytes) {
        available.addAndGet(bytes);
    }
}
