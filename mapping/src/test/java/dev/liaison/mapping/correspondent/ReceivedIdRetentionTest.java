package dev.liaison.mapping.correspondent;

import dev.liaison.mapping.MappingSchema;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.TestPostgres;
import dev.liaison.mapping.relationship.PostgresRelationshipStore;
import dev.liaison.mapping.user.Login;
import dev.liaison.mapping.user.PasswordHash;
import dev.liaison.mapping.user.PostgresUserStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A correspondent's Message-IDs are forgotten once older than the retention, in batches, found by an
 * index; younger ones are still given back to thread a reply. Before, they were kept as long as the
 * relationship.
 */
@ParameterizedClass
@MethodSource("dev.liaison.mapping.database.TestPostgres#available")
class ReceivedIdRetentionTest {

    private static final Login ALEX = Login.of("alex");
    /** The gateway's: a year. */
    private static final Duration RETENTION = Duration.ofDays(365);

    @Parameter
    TestPostgres postgres;

    private Database db;
    private final LegacyCorrespondentStore store = new LegacyCorrespondentStore();
    private long relationship;
    private long ownerId;

    @BeforeEach
    void open() throws SQLException {
        db = postgres.freshDatabase();
        db.migrate(MappingSchema.SCHEMA);
        db.inTransaction(c -> new PostgresUserStore().add(c, ALEX, "Alex", PasswordHash.create("pw".toCharArray())));
        relationship = db.inTransaction(c -> new PostgresRelationshipStore().create(c, ALEX, "Kim", new byte[0])).id();
        ownerId = db.inTransaction(c -> store.create(c, relationship, ALEX, "kim@mail.example", Optional.empty(), true))
                .ownerId();
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void idsOlderThanTheRetentionAreForgottenInBatchesYoungerOnesStillThreadAReply() throws Exception {
        for (String id : new String[] {"old-1", "old-2", "old-3", "young"}) {
            db.inTransaction(c -> {
                store.rememberReceivedId(c, new LegacyCorrespondentStore.Received(relationship, "n-" + id,
                        id + "@mail.example", Optional.empty()));
                return null;
            });
        }
        execute("UPDATE mapping.legacy_received_ids SET received_at = now() - interval '366 days'"
                + " WHERE original LIKE 'old-%'");
        execute("UPDATE mapping.legacy_received_ids SET received_at = now() - interval '364 days'"
                + " WHERE original LIKE 'young%'");
        Instant before = Instant.now().minus(RETENTION);

        assertEquals(2, forget(before, 2), "at most a batch");
        assertEquals(1, forget(before, 2));
        assertEquals(0, forget(before, 2), "nothing else is older than the retention");
        assertEquals(List.of(new LegacyCorrespondentStore.ReceivedId(relationship, "n-young", "young@mail.example")),
                db.inTransaction(c -> store.receivedIds(c, ownerId, List.of("n-old-1", "n-young"))),
                "a reply to the young one still gets its id back; the old one's stays neutral");
    }

    /** A batch reads the rows it deletes, not every id ever received. */
    @Test
    void oldIdsAreFoundByAnIndexNotAScanOfEveryMessage() throws Exception {
        execute("INSERT INTO mapping.legacy_received_ids (relationship_id, neutral, original, received_at) SELECT "
                + relationship + ", 'n-' || n, 'id-' || n || '@mail.example', now() - (n || ' hours')::interval"
                + " FROM generate_series(1, 20000) AS n");
        execute("ANALYZE mapping.legacy_received_ids");
        String plan = db.inTransaction(c -> {
            StringBuilder lines = new StringBuilder();
            try (var s = c.prepareStatement("EXPLAIN " + LegacyCorrespondentStore.FORGET_RECEIVED_IDS)) {
                s.setTimestamp(1, Timestamp.from(Instant.now().minus(RETENTION)));
                s.setInt(2, 1000);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        lines.append(rs.getString(1)).append('\n');
                    }
                }
            }
            return lines.toString();
        });
        assertTrue(plan.contains("legacy_received_ids_received_at"), "found through the index:\n" + plan);
        assertFalse(plan.contains("Seq Scan"), "no table scan:\n" + plan);
        assertEquals(1000, forget(Instant.now().minus(RETENTION), 1000));
    }

    private int forget(Instant before, int max) throws SQLException {
        return db.inTransaction(c -> store.forgetReceivedIds(c, before, max));
    }

    private void execute(String sql) throws SQLException {
        db.inAutocommit(c -> {
            try (Statement s = c.createStatement()) {
                s.execute(sql);
            }
            return null;
        });
    }
}
