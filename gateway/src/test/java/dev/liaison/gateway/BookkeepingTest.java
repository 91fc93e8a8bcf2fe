package dev.liaison.gateway;

import dev.liaison.gateway.legacy.LegacyCorrespondents;
import dev.liaison.gateway.relationship.ReceivedHeaders;
import dev.liaison.gateway.submission.SubmittedMessages;
import dev.liaison.gateway.transport.BatchedDeletion;
import dev.liaison.gateway.transport.Limits;
import dev.liaison.gateway.transport.TestClock;
import dev.liaison.imap.delivery.Delivered;
import dev.liaison.imap.delivery.Delivery;
import dev.liaison.imap.server.ImapService;
import dev.liaison.imap.store.PostgresMailboxDelivery;
import dev.liaison.mapping.MappingSchema;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.Schema;
import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway forgets its retry memories once no retry can come, a bounded amount per pass, and a
 * memory that cannot be pruned stops neither the others nor the timer. Before, imap.delivery (and
 * the other memories) only grew.
 */
@ParameterizedClass
@MethodSource("dev.liaison.mapping.database.TestPostgres#available")
class BookkeepingTest {

    private static final Duration EXPIRY = Duration.ofDays(5);
    private static final int PER_PASS = BatchedDeletion.BATCHES_PER_PASS * Limits.PRUNE_BATCH;

    @Parameter
    TestPostgres postgres;

    private Database db;
    private final TestClock clock = new TestClock();
    private final PostgresMailboxDelivery mailboxes = new PostgresMailboxDelivery(clock);

    @BeforeEach
    void open() {
        db = postgres.freshDatabase();
        db.migrate(MappingSchema.SCHEMA);
        db.migrate(new Schema(ImapService.SCHEMA, ImapService.MIGRATIONS));
        Relay.migrate(db);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void deliveryIdsOlderThanTheRetentionAreForgottenABoundedNumberPerPass() throws Exception {
        assertEquals(Limits.DEDUPLICATION_RETENTION, Bookkeeping.DELIVERY_IDS, "longer than any sender retries");
        execute("INSERT INTO imap.delivery (delivery_id, mailbox_id, uid, delivered_at) SELECT 'old-' || n, 1, n,"
                + " now() - interval '9 days' FROM generate_series(1, " + (PER_PASS + 500) + ") AS n");
        assertFalse(deliver("young").duplicate());
        execute("UPDATE imap.delivery SET delivered_at = now() - interval '7 days' WHERE delivery_id = 'young'");
        Bookkeeping bookkeeping = new Bookkeeping(db, mailboxes, EXPIRY, clock);

        bookkeeping.forgetWhenDue();
        assertEquals(500 + 1, deliveryIds(), "at most " + PER_PASS + " rows in one pass");
        bookkeeping.forgetWhenDue();
        assertEquals(1, deliveryIds(), "the rest at the next tick: more were left");

        assertTrue(deliver("young").duplicate(), "a retry inside the retention is still recognised");
        execute("INSERT INTO imap.delivery (delivery_id, mailbox_id, uid, delivered_at)"
                + " VALUES ('late', 1, 1, now() - interval '9 days')");
        bookkeeping.forgetWhenDue();
        assertEquals(2, deliveryIds(), "nothing was left: the next pass is an hour away");
        clock.advance(Bookkeeping.PASS_INTERVAL);
        bookkeeping.forgetWhenDue();
        assertEquals(1, deliveryIds());
    }

    /**
     * A received message's sealed header is kept as long as a copy of that message could still resolve
     * (its addresses live 30 days), to tell it from a message sealed again by a restored peer.
     */
    @Test
    void receivedHeadersAreForgottenOnceACopyCouldNoLongerResolve() throws Exception {
        assertTrue(ReceivedHeaders.RETENTION.compareTo(dev.liaison.gateway.relationship.OwnRoutes.ADDRESS_LIFETIME) > 0);
        execute("INSERT INTO relay.received_headers (relationship_id, header_digest, received_at) SELECT 1,"
                + " sha256(n::text::bytea), now() - interval '" + ReceivedHeaders.RETENTION.plusDays(1).toDays() + " days'"
                + " FROM generate_series(1, 3) AS n");
        execute("INSERT INTO relay.received_headers (relationship_id, header_digest, received_at) VALUES (1,"
                + " sha256('young'), now() - interval '" + ReceivedHeaders.RETENTION.minusDays(1).toDays() + " days')");

        new Bookkeeping(db, mailboxes, EXPIRY, clock).forgetWhenDue();
        assertEquals(1, count("SELECT count(*) FROM relay.received_headers"), "the old ones are forgotten, the young one kept");
    }

    /**
     * A submitted message's row outlives every memory of what was delivered under its key: plain
     * email's queue row lives until the relay's expiry and then 8 days more.
     */
    @Test
    void submittedMessagesAreForgottenAfterTheQueuesForgetTheirDeliveries() throws Exception {
        Duration retention = SubmittedMessages.retention(EXPIRY);
        assertTrue(retention.compareTo(EXPIRY.plus(Limits.DEDUPLICATION_RETENTION)) > 0, retention.toString());
        assertTrue(retention.compareTo(Bookkeeping.DELIVERY_IDS) > 0, retention.toString());
        execute("INSERT INTO relay.submitted_messages (submission_key, digest, submitted_at) SELECT 'old-' || n,"
                + " sha256(n::text::bytea), now() - interval '" + retention.plusDays(1).toDays() + " days'"
                + " FROM generate_series(1, 3) AS n");
        execute("INSERT INTO relay.submitted_messages (submission_key, digest, submitted_at) VALUES ('young',"
                + " sha256('young'), now() - interval '" + retention.minusDays(1).toDays() + " days')");

        new Bookkeeping(db, mailboxes, EXPIRY, clock).forgetWhenDue();
        assertEquals(1, count("SELECT count(*) FROM relay.submitted_messages WHERE submission_key = 'young'"));
        assertEquals(1, count("SELECT count(*) FROM relay.submitted_messages"), "the old ones are forgotten");
    }

    @Test
    void correspondentsMessageIdsAreForgottenAfterAYear() throws Exception {
        assertEquals(Duration.ofDays(365), LegacyCorrespondents.RECEIVED_ID_RETENTION);
        execute("INSERT INTO mapping.users (login, display_name, password_hash, state) VALUES ('alex', 'Alex', 'x', 'active')");
        execute("INSERT INTO mapping.relationships (user_id, peer_name, state, protocol_state, state_version)"
                + " SELECT id, 'Kim', 'active', '', 1 FROM mapping.users");
        execute("INSERT INTO mapping.legacy_received_ids (relationship_id, neutral, original, received_at, list_post)"
                + " SELECT id, 'old', 'old@mail.example', now() - interval '366 days', NULL FROM mapping.relationships"
                + " UNION ALL SELECT id, 'old-post', 'old-post@mail.example', now() - interval '366 days',"
                + " 'dev@lists.example' FROM mapping.relationships"
                + " UNION ALL SELECT id, 'young', 'young@mail.example', now() - interval '364 days', NULL"
                + " FROM mapping.relationships");

        new Bookkeeping(db, mailboxes, EXPIRY, clock).forgetWhenDue();
        assertEquals(1, count("SELECT count(*) FROM mapping.legacy_received_ids WHERE neutral = 'young'"));
        assertEquals(1, count("SELECT count(*) FROM mapping.legacy_received_ids"),
                "the old ones are forgotten, a list's post's as any other");
    }

    @Test
    void sentMessageIdsAreForgottenWhenTheyNoLongerCountForReports() throws Exception {
        assertEquals(Duration.ofDays(30), Bookkeeping.SENT_IDS);
        execute("INSERT INTO mapping.users (login, display_name, password_hash, state) VALUES ('sam', 'Sam', 'x', 'active')");
        execute("INSERT INTO mapping.legacy_sent_ids (user_id, neutral, sent_at)"
                + " SELECT id, 'old@liaison.invalid', now() - interval '31 days' FROM mapping.users WHERE login = 'sam'"
                + " UNION ALL SELECT id, 'young@liaison.invalid', now() - interval '29 days' FROM mapping.users WHERE login = 'sam'");

        new Bookkeeping(db, mailboxes, EXPIRY, clock).forgetWhenDue();
        assertEquals(1, count("SELECT count(*) FROM mapping.legacy_sent_ids WHERE neutral = 'young@liaison.invalid'"));
        assertEquals(1, count("SELECT count(*) FROM mapping.legacy_sent_ids"), "the old one is forgotten");
    }

    /** A removed user's invitation still out is kept until it expires, no longer (relay V6). */
    @Test
    void invitationsOfRemovedUsersAreForgottenOnceTheyExpire() throws Exception {
        execute("INSERT INTO relay.retired_invitations (relationship_id, root, signing_key, protocol_state, expires_at)"
                + " VALUES (1, decode(repeat('01', 16), 'hex'), decode(repeat('02', 32), 'hex'), '\\x00',"
                + " now() - interval '1 hour'), (2, decode(repeat('03', 16), 'hex'), decode(repeat('04', 32), 'hex'),"
                + " '\\x00', now() + interval '6 days')");

        new Bookkeeping(db, mailboxes, EXPIRY, clock).forgetWhenDue();
        assertEquals(1, count("SELECT count(*) FROM relay.retired_invitations WHERE relationship_id = 2"));
        assertEquals(1, count("SELECT count(*) FROM relay.retired_invitations"), "the expired one is forgotten");
    }

    @Test
    void aMemoryThatCannotBeForgottenIsTriedAgainLaterAndStopsNoOther() throws Exception {
        execute("INSERT INTO imap.delivery (delivery_id, mailbox_id, uid, delivered_at)"
                + " VALUES ('old', 1, 1, now() - interval '9 days')");
        AtomicInteger attempts = new AtomicInteger();
        Bookkeeping bookkeeping = new Bookkeeping(db, List.of(
                new Bookkeeping.Memory("a broken memory", Duration.ofDays(1), (c, before, max) -> {
                    attempts.incrementAndGet();
                    throw new SQLException("relation \"broken\" does not exist");
                }),
                new Bookkeeping.Memory("delivery ids", Bookkeeping.DELIVERY_IDS, mailboxes::forget)), clock);

        bookkeeping.forgetWhenDue(); // does not throw
        assertEquals(0, deliveryIds(), "the next memory was still pruned");
        clock.advance(Bookkeeping.PASS_INTERVAL);
        bookkeeping.forgetWhenDue();
        assertEquals(2, attempts.get(), "the failed one is tried again at the next pass");
    }

    private Delivered deliver(String id) throws Exception {
        byte[] message = ("Subject: " + id + "\r\n\r\nhello\r\n").getBytes(StandardCharsets.US_ASCII);
        return db.inTransaction(c -> mailboxes.deliver(c, new Delivery(id, "carol", "INBOX", message, false,
                Instant.now())));
    }

    private long deliveryIds() throws SQLException {
        return count("SELECT count(*) FROM imap.delivery");
    }

    private void execute(String sql) throws SQLException {
        db.inAutocommit(c -> {
            try (Statement s = c.createStatement()) {
                s.execute(sql);
            }
            return null;
        });
    }

    private long count(String sql) throws SQLException {
        return db.inTransaction(c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }
}
