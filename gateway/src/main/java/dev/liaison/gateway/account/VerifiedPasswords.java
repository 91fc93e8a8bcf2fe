package dev.liaison.gateway.account;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers, for a short time, that a password matched a stored hash, so a mail client that
 * opens a new connection per message (many do) pays Argon2 (~30 ms of CPU) once per
 * {@link #TTL} instead of once per connection — what Dovecot's {@code auth_cache} does.
 *
 * <p>The entry is an HMAC, under a random per-process key, of the login, the <em>stored hash</em>
 * and the password. Because the stored hash is part of it, a password change makes every old
 * entry useless at once; the user's state (disabled) is still read from the database on every
 * login. Only successes are remembered. Bounded: at most {@link #CAPACITY} entries, oldest out.
 */
final class VerifiedPasswords {

    static final Duration TTL = Duration.ofMinutes(10);
    static final int CAPACITY = 10_000;

    private final Clock clock;
    private final SecretKeySpec key;
    private final Map<String, Instant> entries = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
            return size() > CAPACITY;
        }
    };

    VerifiedPasswords(Clock clock) {
        this.clock = clock;
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        this.key = new SecretKeySpec(random, "HmacSHA256");
    }

    /** Whether this password was verified against exactly this stored hash within the TTL. */
    synchronized boolean contains(String login, String storedHash, char[] password) {
        String entry = entry(login, storedHash, password);
        Instant verifiedAt = entries.get(entry);
        if (verifiedAt == null) {
            return false;
        }
        if (verifiedAt.plus(TTL).isBefore(clock.instant())) {
            entries.remove(entry);
            return false;
        }
        return true;
    }

    synchronized void add(String login, String storedHash, char[] password) {
        entries.put(entry(login, storedHash, password), clock.instant());
    }

    private String entry(String login, String storedHash, char[] password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(login.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            mac.update(storedHash.getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) 0);
            ByteBuffer secret = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
            mac.update(secret.duplicate());
            Arrays.fill(secret.array(), (byte) 0);
            return HexFormat.of().formatHex(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new AssertionError("HmacSHA256 is always available", e);
        }
    }
}
