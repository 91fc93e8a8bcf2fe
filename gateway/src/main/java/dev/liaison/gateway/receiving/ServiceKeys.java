package dev.liaison.gateway.receiving;

import dev.liaison.gateway.address.DiversificationKey;
import dev.liaison.gateway.address.MalformedAddressException;
import dev.liaison.gateway.address.ServiceKeyRing;
import dev.liaison.gateway.keys.KeyEncryptionKey;
import dev.liaison.gateway.keys.KeyFileException;
import dev.liaison.gateway.keys.SealException;
import dev.liaison.gateway.primitive.Entropy;
import dev.liaison.mapping.database.Database;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The receiving service's key ring (docs/protocol.md §4.1): kept sealed in {@code relay.service_keys},
 * held in memory for resolving, rotated on a schedule. A generation stays held for
 * {@link #HELD_AFTER_SUPERSEDED} after it stops being current, so every address made with it has
 * expired before it stops resolving.
 *
 * <p>Several processes may share the database: each reloads the ring on {@link #refresh()}, and a
 * rotation is made under the row lock, so exactly one process rotates.
 */
public final class ServiceKeys {

    /** Addresses live at most this long (RelationshipRoutes.ADDRESS_LIFETIME) plus a day's slack. */
    public static final Duration HELD_AFTER_SUPERSEDED = Duration.ofDays(31);
    private static final byte[] AAD = "liaison relay service keyring v1".getBytes(StandardCharsets.US_ASCII);

    private final Database db;
    private final KeyEncryptionKey kek;
    private final Entropy entropy;
    private final Duration rotation;
    private final Clock clock;
    private volatile Snapshot snapshot;

    private record Snapshot(ServiceKeyRing ring, Instant rotatedAt) {
    }

    private ServiceKeys(Database db, KeyEncryptionKey kek, Entropy entropy, Duration rotation, Clock clock) {
        this.db = db;
        this.kek = kek;
        this.entropy = entropy;
        this.rotation = rotation;
        this.clock = clock;
    }

    /** Loads the ring, creating the first generation on a new database. */
    public static ServiceKeys open(Database db, KeyEncryptionKey kek, Entropy entropy, Duration rotation, Clock clock)
            throws SQLException {
        ServiceKeys keys = new ServiceKeys(db, kek, entropy, rotation, clock);
        keys.snapshot = db.inTransaction(keys::loadOrCreate);
        return keys;
    }

    public ServiceKeyRing ring() {
        return snapshot.ring();
    }

    public DiversificationKey currentKey() {
        return snapshot.ring().currentKey();
    }

    /** When the current generation became current; the previous ones are valid for a while after it. */
    public Instant rotatedAt() {
        return snapshot.rotatedAt();
    }

    public Duration rotation() {
        return rotation;
    }

    /**
     * Reloads the ring and rotates it if the current generation is older than the rotation period.
     *
     * @return whether this call rotated the ring (the caller then refreshes the routes peers hold)
     */
    public boolean refresh() throws SQLException {
        Instant now = clock.instant();
        boolean[] rotated = {false};
        snapshot = db.inTransaction(c -> {
            Snapshot held = lock(c).orElseGet(() -> create(c, now));
            if (held.rotatedAt().plus(rotation).isAfter(now)) {
                return held;
            }
            ServiceKeyRing next = retireOld(held.ring().rotate(entropy));
            save(c, next, now);
            rotated[0] = true;
            return new Snapshot(next, now);
        });
        return rotated[0];
    }

    /**
     * Keeps the current generation and as many superseded ones as can still have live addresses:
     * one is superseded every rotation period, each must stay held for {@link #HELD_AFTER_SUPERSEDED}.
     */
    private ServiceKeyRing retireOld(ServiceKeyRing ring) {
        long keepPrevious = Math.min(15, Math.max(1,
                (HELD_AFTER_SUPERSEDED.toSeconds() + rotation.toSeconds() - 1) / rotation.toSeconds()));
        int current = ring.currentKey().generation();
        ServiceKeyRing kept = ring;
        for (int generation : ring.generations()) {
            if (generation < current - keepPrevious) {
                kept = kept.retire(generation);
            }
        }
        return kept;
    }

    private Snapshot loadOrCreate(Connection c) throws SQLException {
        return lock(c).orElseGet(() -> create(c, clock.instant()));
    }

    private Optional<Snapshot> lock(Connection c) throws SQLException {
        try (var s = c.prepareStatement("SELECT keyring, rotated_at FROM relay.service_keys WHERE id = 1 FOR UPDATE");
             var rs = s.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            return Optional.of(new Snapshot(decode(rs.getBytes(1)), rs.getTimestamp(2).toInstant()));
        }
    }

    private Snapshot create(Connection c, Instant now) {
        ServiceKeyRing ring = ServiceKeyRing.create(entropy);
        try (var s = c.prepareStatement("INSERT INTO relay.service_keys (id, keyring, rotated_at) VALUES (1, ?, ?)"
                + " ON CONFLICT (id) DO NOTHING")) {
            s.setBytes(1, kek.seal(ring.encode(), AAD));
            s.setTimestamp(2, Timestamp.from(now));
            if (s.executeUpdate() == 0) {
                // another process created it first: use theirs
                return lock(c).orElseThrow(() -> new IllegalStateException("service key ring vanished while created"));
            }
            return new Snapshot(ring, now);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store the service key ring: " + e.getMessage(), e);
        }
    }

    private void save(Connection c, ServiceKeyRing ring, Instant now) throws SQLException {
        try (var s = c.prepareStatement("UPDATE relay.service_keys SET keyring = ?, rotated_at = ? WHERE id = 1")) {
            s.setBytes(1, kek.seal(ring.encode(), AAD));
            s.setTimestamp(2, Timestamp.from(now));
            s.executeUpdate();
        }
    }

    private ServiceKeyRing decode(byte[] sealed) {
        try {
            return ServiceKeyRing.decode(kek.open(sealed, AAD));
        } catch (SealException e) {
            // read at every start, before anything else sealed: where a wrong key file is told
            throw new KeyFileException("the key-encryption key keys/kek of this data directory does not match the"
                    + " database: the receiving service's key ring sealed in it does not open with it; restore the"
                    + " keys/kek that belongs to this database (from the same backup; every node on one database"
                    + " needs the same one)", e);
        } catch (MalformedAddressException e) {
            throw new IllegalStateException("the stored service key ring is malformed: " + e.getMessage(), e);
        }
    }
}
