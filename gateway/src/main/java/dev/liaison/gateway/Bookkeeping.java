package dev.liaison.gateway;

import dev.liaison.gateway.legacy.LegacyCorrespondents;
import dev.liaison.gateway.receiving.Endpoints;
import dev.liaison.gateway.relationship.Invitations;
import dev.liaison.gateway.relationship.ReceivedHeaders;
import dev.liaison.gateway.submission.SubmittedMessages;
import dev.liaison.gateway.transport.BatchedDeletion;
import dev.liaison.gateway.transport.Limits;
import dev.liaison.imap.delivery.MailboxDelivery;
import dev.liaison.mapping.correspondent.LegacyCorrespondentStore;
import dev.liaison.mapping.correspondent.LegacySentIds;
import dev.liaison.mapping.database.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Forgets what the gateway remembers only to recognise a retry, once no retry can come any more,
 * correspondents' Message-IDs once a reply to them is unlikely, and invitations never accepted a
 * while after they expired, so that no table grows with every message (or invitation) for good. Each memory is kept longer than what it must recognise (each {@link Memory}'s
 * retention says why); its owner deletes the old rows oldest first, found by an index, in batches of
 * {@link Limits#PRUNE_BATCH} (short transactions, never a long lock on a large table).
 *
 * <p>Runs on the relay's keep-alive timer ({@code AddressKeepAlive}, every minute), a pass at most
 * every {@link #PASS_INTERVAL}, one {@link BatchedDeletion} pass per memory: a long
 * history (the first pass after an upgrade) is worked off a pass per tick instead of holding the
 * timer. A memory that cannot be pruned is logged and tried again at the next pass; the others go on,
 * and nothing else waits for it. Safe with several processes on one database: each batch deletes
 * what it finds, a row another process deleted first is simply not counted.
 */
public final class Bookkeeping {

    private static final Logger LOG = LoggerFactory.getLogger(Bookkeeping.class);
    static final Duration PASS_INTERVAL = BatchedDeletion.PASS_INTERVAL;

    /**
     * {@code imap.delivery}: the delivery ids that file each message in a folder once however often it
     * is delivered (a client's retry of a submission, a mail server's retry of plain email, an inbound
     * envelope processed again after a crash). Every such retry comes within {@link Limits#DEFAULT_EXPIRY}
     * (the relay's, Postfix's and Exim's queue lifetime: five days or less); kept for
     * {@link Limits#DEDUPLICATION_RETENTION}, as the queues keep envelope ids. A client's own copy of a
     * sent message APPENDed to Sent later than that is stored beside the gateway's (clients APPEND at once).
     */
    static final Duration DELIVERY_IDS = Limits.DEDUPLICATION_RETENTION;

    /**
     * {@code mapping.legacy_sent_ids}: the ids of plain email a user sent, by which the MX knows a
     * report is about that user's mail. A row stops counting after
     * {@link dev.liaison.gateway.legacy.delivery.Limits#SENT_ID_MEMORY}, so it goes then.
     */
    static final Duration SENT_IDS = dev.liaison.gateway.legacy.delivery.Limits.SENT_ID_MEMORY;

    /** One kind of row kept for a while: what it is (for the log), how long, and how its owner forgets a batch. */
    record Memory(String what, Duration retention, Forgetting forgetting) {
    }

    /** The owner's batch delete: at most {@code max} rows older than {@code before}, oldest first; how many went. */
    @FunctionalInterface
    interface Forgetting {
        int forget(Connection c, Instant before, int max) throws SQLException;
    }

    private final Database db;
    private final List<Memory> memories;
    private final Clock clock;
    private Instant nextPass = Instant.MIN;

    /**
     * @param relayExpiry how long queued mail is retried ({@code relay.expiry}): what a submission's
     *                    memory must outlive ({@link SubmittedMessages#retention})
     * @param clock       the real time: rows are stamped by the database's clock
     */
    public Bookkeeping(Database db, MailboxDelivery mailboxes, Duration relayExpiry, Clock clock) {
        this(db, List.of(
                new Memory("delivery ids (imap.delivery)", DELIVERY_IDS, mailboxes::forget),
                new Memory("submitted messages (relay.submitted_messages)", SubmittedMessages.retention(relayExpiry),
                        new SubmittedMessages()::forget),
                new Memory("received Message-IDs (mapping.legacy_received_ids)",
                        LegacyCorrespondents.RECEIVED_ID_RETENTION, new LegacyCorrespondentStore()::forgetReceivedIds),
                new Memory("sent Message-IDs (mapping.legacy_sent_ids)", SENT_IDS, new LegacySentIds()::forget),
                // kept until they expire, not for a while after: "older than" is their expiry here
                new Memory("expired invitations of removed users (relay.retired_invitations)", Duration.ZERO,
                        Endpoints::forgetExpiredRetired),
                new Memory("received message headers (relay.received_headers)", ReceivedHeaders.RETENTION,
                        new ReceivedHeaders()::forget),
                new Memory("invitations never accepted, expired (mapping.relationships)", Invitations.EXPIRED_RETENTION,
                        Invitations::forgetExpired)),
                clock);
    }

    Bookkeeping(Database db, List<Memory> memories, Clock clock) {
        this.db = db;
        this.memories = memories;
        this.clock = clock;
    }

    /** A pass if one is due; never throws (the keep-alive timer would stop for good). */
    public void forgetWhenDue() {
        Instant now = clock.instant();
        if (now.isBefore(nextPass)) {
            return;
        }
        boolean more = false;
        for (Memory memory : memories) {
            try {
                more |= forget(memory, now);
            } catch (RuntimeException e) {
                LOG.warn("Forgetting old {} failed ({}); the rest goes on, tried again in an hour", memory.what(),
                        e.getMessage());
            }
        }
        nextPass = more ? now : now.plus(PASS_INTERVAL); // a long history: the next tick goes on with it
    }

    /** A {@link BatchedDeletion} pass over {@code memory}'s rows older than its retention; true if some are left. */
    boolean forget(Memory memory, Instant now) {
        Instant before = now.minus(memory.retention());
        BatchedDeletion.Pass pass = BatchedDeletion.run(db, (c, max) -> memory.forgetting().forget(c, before, max),
                () -> true);
        if (pass.deleted() > 0) {
            LOG.info("Forgot {} {} older than {} days", pass.deleted(), memory.what(), memory.retention().toDays());
        }
        return pass.more();
    }
}
