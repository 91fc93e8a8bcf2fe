package dev.liaison.mapping.correspondent;

import dev.liaison.mapping.MappingSchema;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.TestPostgres;
import dev.liaison.mapping.user.Login;
import dev.liaison.mapping.user.PasswordHash;
import dev.liaison.mapping.user.PostgresUserStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sent-id store's contract, on every PostgreSQL the tests can reach: per user, bounded in time, pruned. */
@ParameterizedClass
@MethodSource("dev.liaison.mapping.database.TestPostgres#available")
class LegacySentIdsTest {

    private static final Duration MEMORY = Duration.ofDays(30);
    private static final String SENT = "abcdefghijklmnopqrstuvwxyz@liaison.invalid";

    @Parameter
    TestPostgres postgres;

    private Database db;
    private final LegacySentIds ids = new LegacySentIds();
    private long alex;
    private long blair;

    @BeforeEach
    void migrate() throws SQLException {
        db = postgres.freshDatabase();
        db.migrate(MappingSchema.SCHEMA);
        PasswordHash hash = PasswordHash.create("pw".toCharArray());
        PostgresUserStore users = new PostgresUserStore();
        alex = db.inTransaction(c -> users.add(c, Login.of("alex"), "Alex", hash)).id();
        blair = db.inTransaction(c -> users.add(c, Login.of("blair"), "Blair", hash)).id();
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void anIdCountsForTheUserWhoSentItOnly() throws SQLException {
        remember(alex, SENT);
        remember(alex, SENT); // a second recipient, or a retry: one row
        assertTrue(sentAny(alex, List.of("other@liaison.invalid", SENT)));
        assertFalse(sentAny(blair, List.of(SENT)), "another user's id is not blair's");
        assertFalse(sentAny(alex, List.of()));
        assertEquals(1L, count());
    }

    @Test
    void anIdPastItsMemoryCountsNoMoreAndIsForgottenOldestFirstInBatches() throws SQLException {
        remember(alex, SENT);
        remember(alex, "second@liaison.invalid");
        remember(blair, "third@liaison.invalid");
        remember(blair, "recent@liaison.invalid");
        age(SENT, MEMORY.plusDays(3));
        age("second@liaison.invalid", MEMORY.plusDays(2));
        age("third@liaison.invalid", MEMORY.plusDays(1));
        assertFalse(sentAny(alex, List.of(SENT)), "past its memory");
        java.time.Instant before = java.time.Instant.now().minus(MEMORY);
        assertEquals(2, forget(before, 2), "a batch at most");
        assertEquals(1, forget(before, 2), "anyone's");
        assertEquals(0, forget(before, 2));
        assertEquals(1L, count());
        assertTrue(sentAny(blair, List.of("recent@liaison.invalid")), "a younger one stays");
    }

    @Test
    void sendingTheSameIdAgainRenewsIt() throws SQLException {
        remember(alex, SENT);
        age(SENT, MEMORY.minusDays(1));
        remember(alex, SENT);
        age(SENT, Duration.ofDays(2));
        assertTrue(sentAny(alex, List.of(SENT)), "counted from when it was last sent");
    }

    private void remember(long user, String id) throws SQLException {
        db.inTransaction(c -> {
            ids.remember(c, user, id);
            return null;
        });
    }

    private int forget(java.time.Instant before, int max) throws SQLException {
        return db.inTransaction(c -> ids.forget(c, before, max));
    }

    private boolean sentAny(long user, List<String> neutrals) throws SQLException {
        return db.inTransaction(c -> ids.sentAny(c, user, neutrals, MEMORY));
    }

    private void age(String id, Duration by) throws SQLException {
        db.inTransaction(c -> {
            try (var s = c.prepareStatement("UPDATE mapping.legacy_sent_ids SET sent_at = sent_at - ? * interval '1 second'"
                    + " WHERE neutral = ?")) {
                s.setLong(1, by.toSeconds());
                s.setString(2, id);
                return s.executeUpdate();
            }
        });
    }

    private long count() throws SQLException {
        return db.inTransaction(c -> {
            try (var s = c.prepareStatement("SELECT count(*) FROM mapping.legacy_sent_ids"); var rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }
}
