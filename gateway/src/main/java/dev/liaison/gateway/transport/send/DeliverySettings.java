package dev.liaison.gateway.transport.send;

import dev.liaison.gateway.transport.Limits;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How the sending service behaves; {@link #defaults()} takes every value from {@link Limits}.
 *
 * @param expiry                 how long an envelope is retried before it expires (relay.expiry)
 * @param destinationConcurrency POSTs in flight to one destination from this process
 * @param deliveryThreads        POSTs in flight from this process altogether
 * @param clock                  the time source for due, lease and expiry times (tests move it)
 * @param events                 told the outcome of every attempt (metrics)
 */
public record DeliverySettings(Duration expiry, int destinationConcurrency, int deliveryThreads, Backoff backoff,
                               Duration lease, Duration pollInterval, Clock clock, DeliveryEvents events, String node) {

    public DeliverySettings {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(backoff, "backoff");
        positive("expiry", expiry);
        positive("lease", lease);
        positive("poll interval", pollInterval);
        if (destinationConcurrency < 1 || deliveryThreads < 1 || destinationConcurrency > deliveryThreads) {
            throw new IllegalArgumentException("destination concurrency " + destinationConcurrency
                    + " must be between 1 and the delivery threads (" + deliveryThreads + ")");
        }
        if (lease.compareTo(Limits.REQUEST_TIMEOUT) <= 0) {
            throw new IllegalArgumentException("claim lease " + lease + " must exceed the request timeout "
                    + Limits.REQUEST_TIMEOUT + ", or two workers could POST one envelope at once");
        }
    }

    /** Settings reporting nothing. */
    public DeliverySettings(Duration expiry, int destinationConcurrency, int deliveryThreads, Backoff backoff,
                            Duration lease, Duration pollInterval, Clock clock) {
        this(expiry, destinationConcurrency, deliveryThreads, backoff, lease, pollInterval, clock, DeliveryEvents.NONE, "");
    }

    public static DeliverySettings defaults() {
        return new DeliverySettings(Limits.DEFAULT_EXPIRY, Limits.DEFAULT_DESTINATION_CONCURRENCY,
                Limits.DEFAULT_DELIVERY_THREADS, new Backoff(Limits.RETRY_BASE, Limits.RETRY_CEILING),
                Limits.CLAIM_LEASE, Limits.POLL_INTERVAL, Clock.systemUTC());
    }

    public DeliverySettings withExpiry(Duration value) {
        return new DeliverySettings(value, destinationConcurrency, deliveryThreads, backoff, lease, pollInterval, clock,
                events, node);
    }

    public DeliverySettings withConcurrency(int perDestination, int threads) {
        return new DeliverySettings(expiry, perDestination, threads, backoff, lease, pollInterval, clock, events, node);
    }

    public DeliverySettings withBackoff(Backoff value) {
        return new DeliverySettings(expiry, destinationConcurrency, deliveryThreads, value, lease, pollInterval, clock,
                events, node);
    }

    public DeliverySettings withPollInterval(Duration value) {
        return new DeliverySettings(expiry, destinationConcurrency, deliveryThreads, backoff, lease, value, clock,
                events, node);
    }

    public DeliverySettings withClock(Clock value) {
        return new DeliverySettings(expiry, destinationConcurrency, deliveryThreads, backoff, lease, pollInterval, value,
                events, node);
    }

    /**
     * The stable name of this node (kept in its data directory): its claims carry it, so after a
     * crash the restarted node takes back at once what it had claimed, instead of waiting out the
     * lease. Empty: claims are anonymous and wait for their lease to end.
     */
    public DeliverySettings withNode(String value) {
        return new DeliverySettings(expiry, destinationConcurrency, deliveryThreads, backoff, lease, pollInterval, clock,
                events, value);
    }

    public DeliverySettings withEvents(DeliveryEvents value) {
        return new DeliverySettings(expiry, destinationConcurrency, deliveryThreads, backoff, lease, pollInterval, clock,
                value, node);
    }

    /**
     * Parses an administrator's duration: ISO-8601 ({@code P5D}, {@code PT12H}) or a number with
     * one unit suffix {@code s}, {@code m}, {@code h}, {@code d} ({@code 5d}, {@code 90m}).
     */
    public static Duration parseDuration(String text) {
        return dev.liaison.gateway.config.Configuration.durationOf(text);
    }

    private static void positive(String what, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + " " + value + " must be positive");
        }
    }
}
