package dev.liaison.smtp.auth;

import dev.liaison.smtp.address.ClientPrefix;
import dev.liaison.smtp.submission.Limits.AuthThrottling;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Failed-AUTH penalties per client address and per login ({@link AuthThrottling} states the
 * policy). Thread-safe: every update is one atomic {@code compute} on an immutable entry.
 *
 * <p>Why a login counts distinct failing addresses rather than failures: counting failures would
 * let one attacker lock a user out everywhere simply by guessing from one address (the issue's
 * "a flood from one address must not lock the user out from another"). One address is already
 * held back by its own penalty; many addresses guessing one login (a botnet) raise the login's
 * penalty, and even then addresses the user recently authenticated from stay exempt.
 *
 * <p>IPv6 clients are keyed by their /64, the smallest block one subscriber usually gets;
 * otherwise an attacker could rotate through 2^64 addresses.
 */
public final class AuthThrottle {

    private record AddressPenalty(int failures, Instant lastFailure) {
    }

    /** {@code lastSeen} is the last failure or success; trust lasts while the login stays in use. */
    private record LoginPenalty(Set<InetAddress> failingAddresses, Instant lastFailure, Set<InetAddress> trusted,
                                Instant lastSeen) {
    }

    private final AuthThrottling limits;
    private final Clock clock;
    private final ConcurrentMap<InetAddress, AddressPenalty> addresses = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, LoginPenalty> logins = new ConcurrentHashMap<>();

    public AuthThrottle(AuthThrottling limits, Clock clock) {
        this.limits = limits;
        this.clock = clock;
    }

    /** How long {@code client} must still wait before an attempt for {@code login} is checked. */
    public Optional<Duration> waitBefore(InetAddress client, String login) {
        Instant now = clock.instant();
        InetAddress key = ClientPrefix.of(client);
        Duration wait = remaining(addresses.get(key), now);
        LoginPenalty penalty = logins.get(loginKey(login));
        if (penalty != null && !penalty.trusted().contains(key)) {
            Duration loginWait = remaining(penalty.failingAddresses().size(), penalty.lastFailure(), now);
            wait = loginWait.compareTo(wait) > 0 ? loginWait : wait;
        }
        return wait.isZero() ? Optional.empty() : Optional.of(wait);
    }

    public void recordFailure(InetAddress client, String login) {
        Instant now = clock.instant();
        InetAddress key = ClientPrefix.of(client);
        makeRoom(addresses, now);
        addresses.compute(key, (k, old) -> new AddressPenalty(
                old == null || expired(old.lastFailure(), now) ? 1 : old.failures() + 1, now));
        makeRoom(logins, now);
        logins.compute(loginKey(login), (k, old) -> {
            boolean fresh = old == null || expired(old.lastFailure(), now);
            Set<InetAddress> failing = fresh ? new LinkedHashSet<>() : new LinkedHashSet<>(old.failingAddresses());
            if (failing.size() < limits.maxTrackedKeys()) {
                failing.add(key);
            }
            Set<InetAddress> trusted = old == null ? Set.of() : old.trusted();
            return new LoginPenalty(Set.copyOf(failing), now, trusted, now);
        });
    }

    /** Clears the address's penalty and remembers it as one this login may always try from. */
    public void recordSuccess(InetAddress client, String login) {
        Instant now = clock.instant();
        InetAddress key = ClientPrefix.of(client);
        addresses.remove(key);
        makeRoom(logins, now);
        logins.compute(loginKey(login), (k, old) -> {
            LinkedHashSet<InetAddress> trusted = new LinkedHashSet<>(old == null ? Set.of() : old.trusted());
            trusted.remove(key);
            trusted.add(key);
            while (trusted.size() > limits.trustedAddressesPerLogin()) {
                trusted.remove(trusted.iterator().next());
            }
            Set<InetAddress> failing = old == null ? Set.of() : old.failingAddresses();
            Instant lastFailure = old == null ? Instant.EPOCH : old.lastFailure();
            return new LoginPenalty(failing, lastFailure, Set.copyOf(trusted), now);
        });
    }

    private Duration remaining(AddressPenalty penalty, Instant now) {
        return penalty == null ? Duration.ZERO : remaining(penalty.failures(), penalty.lastFailure(), now);
    }

    private Duration remaining(int failures, Instant lastFailure, Instant now) {
        if (expired(lastFailure, now) || failures <= limits.freeFailures()) {
            return Duration.ZERO;
        }
        Duration wait = Duration.between(now, lastFailure.plus(delayAfter(failures)));
        return wait.isNegative() ? Duration.ZERO : wait;
    }

    /** {@code firstDelay} doubled for each failure past the free ones, capped at {@code maxDelay}. */
    Duration delayAfter(int failures) {
        int doublings = Math.min(failures - limits.freeFailures() - 1, 30);
        Duration delay = limits.firstDelay().multipliedBy(1L << doublings);
        return delay.compareTo(limits.maxDelay()) > 0 ? limits.maxDelay() : delay;
    }

    private boolean expired(Instant lastFailure, Instant now) {
        return !now.isBefore(lastFailure.plus(limits.forgetAfter()));
    }

    /** Keeps each map within {@code maxTrackedKeys}: forget expired keys first, then arbitrary ones. */
    private <K> void makeRoom(ConcurrentMap<K, ?> map, Instant now) {
        if (map.size() < limits.maxTrackedKeys()) {
            return;
        }
        map.entrySet().removeIf(e -> expired(lastFailureOf(e.getValue()), now));
        var keys = map.keySet().iterator();
        while (map.size() >= limits.maxTrackedKeys() && keys.hasNext()) {
            keys.next();
            keys.remove();
        }
    }

    private static Instant lastFailureOf(Object penalty) {
        return penalty instanceof AddressPenalty a ? a.lastFailure() : ((LoginPenalty) penalty).lastSeen();
    }

    private static String loginKey(String login) {
        return login.trim().toLowerCase(Locale.ROOT);
    }
}
