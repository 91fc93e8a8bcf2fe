package dev.liaison.imap.server;

import dev.liaison.imap.store.StoredMailboxId;
import dev.liaison.mapping.database.TestPostgres;
import org.apache.james.core.Username;
import org.apache.james.events.Event;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.events.MailboxEvents;
import org.apache.james.mailbox.events.MailboxIdRegistrationKey;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.UpdatedFlags;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.mail.Flags;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A flag change another session makes is told to a session that has the folder selected, even
 * when it lands while that session is reading the flags of an earlier change (James's
 * unsolicited responses clear every pending flag change once they have read the ones they
 * copied; {@link FlagChanges}).
 *
 * <p>The interleaving is forced, not hoped for: the test holds a lock on the message table, so
 * the IDLE push that reports the first change waits in its read of the flags (seen in
 * {@code pg_stat_activity}); the second change is then dispatched on the server's event bus,
 * which returns once the session has recorded it; only then is the lock released. The changes
 * themselves are real rows updated in PostgreSQL; the events are what another session's STORE
 * dispatches (a real STORE would wait for the same lock).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FlagChangesTest {
    private TestImap imap;

    @BeforeAll
    void start() throws Exception {
        imap = TestImap.start(TestPostgres.EMBEDDED);
    }

    @AfterAll
    void stop() {
        imap.close();
    }

    @Test
    void aFlagChangeLandingWhileAPushReadsFlagsIsStillPushed() throws Exception {
        String user = imap.newUser("flags");
        DeliveryHelper.deliver(imap, user, "F", MailClient.simple("one", "x"));
        DeliveryHelper.deliver(imap, user, "F", MailClient.simple("two", "x"));
        try (RawImap a = RawImap.tls(imap.imapsPort())) {
            a.login(user);
            a.command("SELECT F");
            String idle = a.nextTag();
            a.send(idle + " IDLE\r\n");
            assertTrue(a.line().startsWith("+"));
            long folder = folderId(user, "F");
            try (Connection lock = imap.database.dataSource().getConnection()) {
                lock.setAutoCommit(false);
                try (PreparedStatement s = lock.prepareStatement(
                        "UPDATE imap.message SET flagged = true WHERE mailbox_id = ?")) {
                    s.setLong(1, folder);
                    s.executeUpdate();
                }
                lock.createStatement().execute("LOCK TABLE imap.message IN ACCESS EXCLUSIVE MODE");
                flagged(user, folder, 1);
                awaitReadWaitingForLock();
                flagged(user, folder, 2);
                lock.commit();
            }
            a.send("DONE\r\n");
            List<String> seen = new java.util.ArrayList<>(a.until(idle));
            seen.addAll(a.command("NOOP"));
            assertTrue(seen.stream().anyMatch(l -> l.startsWith("* 1 FETCH") && l.contains("\\Flagged")), seen.toString());
            assertTrue(seen.stream().anyMatch(l -> l.startsWith("* 2 FETCH") && l.contains("\\Flagged")),
                    "the second change was never told: " + seen);
        }
    }

    /**
     * A keyword heard while a push reads flags is announced in FLAGS before the FETCH that shows it:
     * James's reset at the end of the push clears its "new keyword" marker with the pending UIDs,
     * and {@link FlagChanges} reports the change ({@link AnnouncedKeywords}). Forced as above.
     */
    @Test
    void aKeywordHeardWhileAPushReadsFlagsIsAnnouncedBeforeItsFetch() throws Exception {
        String user = imap.newUser("late");
        DeliveryHelper.deliver(imap, user, "F", MailClient.simple("one", "x"));
        DeliveryHelper.deliver(imap, user, "F", MailClient.simple("two", "x"));
        try (RawImap a = RawImap.tls(imap.imapsPort())) {
            a.login(user);
            a.command("SELECT F");
            String idle = a.nextTag();
            a.send(idle + " IDLE\r\n");
            assertTrue(a.line().startsWith("+"));
            long folder = folderId(user, "F");
            try (Connection lock = imap.database.dataSource().getConnection()) {
                lock.setAutoCommit(false);
                try (PreparedStatement s = lock.prepareStatement("UPDATE imap.message SET flagged = uid = 1,"
                        + " keywords = CASE WHEN uid = 2 THEN ARRAY['$Late'] ELSE keywords END WHERE mailbox_id = ?")) {
                    s.setLong(1, folder);
                    s.executeUpdate();
                }
                lock.createStatement().execute("LOCK TABLE imap.message IN ACCESS EXCLUSIVE MODE");
                flagged(user, folder, 1);
                awaitReadWaitingForLock();
                changed(user, folder, 2, new Flags("$Late"));
                lock.commit();
            }
            a.send("DONE\r\n");
            List<String> seen = new java.util.ArrayList<>(a.until(idle));
            seen.addAll(a.command("NOOP"));
            int fetch = seen.indexOf(seen.stream().filter(l -> l.startsWith("* 2 FETCH") && l.contains("$Late"))
                    .findFirst().orElseThrow(() -> new AssertionError("the change was never told: " + seen)));
            assertTrue(seen.subList(0, fetch).stream().anyMatch(l -> l.startsWith("* FLAGS ") && l.contains("$Late")),
                    "the keyword was shown before any FLAGS named it: " + seen);
        }
    }

    /** What another session's STORE +FLAGS (\Flagged) of {@code uid} dispatches; returns once delivered here. */
    private void flagged(String user, long folder, long uid) {
        changed(user, folder, uid, new Flags(Flags.Flag.FLAGGED));
    }

    /** What another session's STORE giving {@code uid} the flags {@code now} dispatches; returns once delivered here. */
    private void changed(String user, long folder, long uid, Flags now) {
        UpdatedFlags update = UpdatedFlags.builder().uid(MessageUid.of(uid)).modSeq(ModSeq.of(1000 + uid))
                .oldFlags(new Flags()).newFlags(now).build();
        StoredMailboxId id = StoredMailboxId.of(folder);
        MailboxEvents.FlagsUpdated event = new MailboxEvents.FlagsUpdated(MailboxSession.SessionId.of(-uid),
                Username.of(user), MailboxPath.forUser(Username.of(user), "F"), id, List.of(update), Event.EventId.random());
        imap.service.events().dispatch(event, Set.of(new MailboxIdRegistrationKey(id))).block();
    }

    /** Until a session's read of message flags waits for the test's lock (bounded: a test that hangs fails). */
    private void awaitReadWaitingForLock() throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        try (Connection c = imap.database.dataSource().getConnection();
             PreparedStatement s = c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                     + " AND query LIKE 'SELECT uid, message_id%FROM imap.message%'")) {
            while (true) {
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) > 0) {
                        return;
                    }
                }
                assertTrue(System.nanoTime() < deadline, "no IDLE push read the flags");
                Thread.sleep(10);
            }
        }
    }

    private long folderId(String user, String name) throws SQLException {
        try (Connection c = imap.database.dataSource().getConnection();
             PreparedStatement s = c.prepareStatement("SELECT id FROM imap.mailbox WHERE owner = ? AND name = ?")) {
            s.setString(1, user);
            s.setString(2, name);
            try (ResultSet rs = s.executeQuery()) {
                assertTrue(rs.next(), "no folder " + name);
                return rs.getLong(1);
            }
        }
    }
}
