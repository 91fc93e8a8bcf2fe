package dev.liaison.gateway.relationship;

import dev.liaison.gateway.transport.receive.InboundStore;
import dev.liaison.gateway.transport.receive.QuarantinedEnvelope;
import dev.liaison.mapping.database.TestPostgres;
import dev.liaison.mapping.user.Login;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static dev.liaison.gateway.relationship.GatewayPair.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An administrator restores an older backup of alex's gateway: alex's end of a relationship goes back
 * to the state it had then, while blair's moved on (docs/operations.md, "Restoring an older backup").
 * The restore is simulated where it matters, on the relationship's row: its sealed state and version
 * put back while alex's gateway is stopped. A Double Ratchet cannot resume from rolled-back state; what
 * is checked is that nothing is lost silently: what cannot be opened is quarantined with a reason that
 * names the relationship and says what happened and what to do.
 */
class RestoredBackupTest {

    private static final Duration DELIVERY = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    private static GatewayPair pair;

    @BeforeAll
    static void start() throws Exception {
        pair = new GatewayPair(TestPostgres.available().get(0), dir);
        pair.alex.admin.addUser(Login.of("alex"), "Alex", "alex-pw".toCharArray());
        pair.blair.admin.addUser(Login.of("blair"), "Blair", "blair-pw".toCharArray());
    }

    @AfterAll
    static void stop() {
        if (pair != null) {
            pair.close();
        }
    }

    /**
     * Finding 1 of the backup report: alex, restored, seals its next messages at chain positions its
     * messages since the backup used. Blair's gateway dropped them as replays ("message already
     * received"), silently; now they are quarantined for blair's administrator, and alex's later
     * messages, past the positions used, arrive as before.
     */
    @Test
    void messagesSealedAgainAtUsedPositionsAreQuarantinedAndLaterOnesArrive() throws Exception {
        GatewayPair.Established link = pair.connect();
        String run = shortId();
        Object[] backup = backup(pair.alex, link.alexRelationship());
        List<String> sinceBackup = List.of("since the backup 1 " + run, "since the backup 2 " + run);
        for (String subject : sinceBackup) {
            RelayFaultsTest.send(pair.alex, "alex", link.alexAlias(), subject);
        }
        RelayFaultsTest.awaitSubjects(pair.blair, sinceBackup, DELIVERY);

        restore(pair.alex, link.alexRelationship(), backup);
        List<String> afterRestore = List.of("after the restore 1 " + run, "after the restore 2 " + run,
                "after the restore 3 " + run);
        for (String subject : afterRestore) {
            RelayFaultsTest.send(pair.alex, "alex", link.alexAlias(), subject);
        }
        RelayFaultsTest.awaitSubjects(pair.blair, List.of(afterRestore.get(2)), DELIVERY);
        await(DELIVERY, () -> quarantined(pair.blair, link.blairRelationship()).size() == 2,
                "both messages sealed again at used positions to be quarantined at blair's gateway");

        for (QuarantinedEnvelope q : quarantined(pair.blair, link.blairRelationship())) {
            assertTrue(q.reason().startsWith("reused chain position: relationship " + link.blairRelationship()
                    + " got a message at a position already used"), q.reason());
            assertTrue(q.reason().contains("restored from an older backup"), q.reason());
            assertTrue(q.reason().contains("or delivered out of order beyond the skipped-key window"),
                    "the other cause, a sender that shuffled its backlog: " + q.reason());
            assertTrue(q.reason().endsWith("liaison relationship end --user blair " + link.blairRelationship()
                    + ", then invite again"), "what to do, whole: " + q.reason());
            assertEquals(link.blairRelationship(), q.relationship().orElseThrow(), "the list names the relationship");
        }
        List<String> inbox = MailClients.subjects(pair.blair, "INBOX");
        assertTrue(inbox.containsAll(sinceBackup), inbox.toString());
        assertTrue(!inbox.contains(afterRestore.get(0)) && !inbox.contains(afterRestore.get(1)),
                "sealed with keys blair already used: they cannot be opened, only reported: " + inbox);
        assertEquals(0L, pair.blair.value("SELECT count(*) FROM transport.inbound WHERE recipient = ? AND state = 'discarded'",
                link.blairRelationship()), "nothing dropped");
    }

    /**
     * Finding 2: mail went both ways since the backup, so each end stepped its ratchet on; restored, alex
     * seals with a header key blair's end no longer holds, and blair seals with keys alex's restored end
     * never had. Each side's envelopes are quarantined naming the relationship and what to do.
     */
    @Test
    void afterMailBothWaysSinceTheBackupEachSidesEnvelopesAreQuarantinedNamingTheRelationship() throws Exception {
        GatewayPair.Established link = pair.connect();
        String run = shortId();
        Object[] backup = backup(pair.alex, link.alexRelationship());
        RelayFaultsTest.send(pair.alex, "alex", link.alexAlias(), "alex before " + run);
        RelayFaultsTest.awaitSubjects(pair.blair, List.of("alex before " + run), DELIVERY);
        RelayFaultsTest.send(pair.blair, "blair", link.blairAlias(), "blair before " + run);
        RelayFaultsTest.awaitSubjects(pair.alex, List.of("blair before " + run), DELIVERY);
        RelayFaultsTest.send(pair.alex, "alex", link.alexAlias(), "alex again " + run);
        RelayFaultsTest.awaitSubjects(pair.blair, List.of("alex again " + run), DELIVERY);

        restore(pair.alex, link.alexRelationship(), backup);
        RelayFaultsTest.send(pair.alex, "alex", link.alexAlias(), "alex restored " + run);
        await(DELIVERY, () -> quarantined(pair.blair, link.blairRelationship()).size() == 1,
                "alex's envelope to be quarantined at blair's gateway");
        RelayFaultsTest.send(pair.blair, "blair", link.blairAlias(), "blair to the restored " + run);
        await(DELIVERY, () -> quarantined(pair.alex, link.alexRelationship()).size() == 1,
                "blair's envelope to be quarantined at alex's gateway");

        QuarantinedEnvelope atBlair = quarantined(pair.blair, link.blairRelationship()).get(0);
        QuarantinedEnvelope atAlex = quarantined(pair.alex, link.alexRelationship()).get(0);
        assertTrue(atBlair.reason().startsWith("does not open: UndecryptableHeaderException"), atBlair.reason());
        assertTrue(atBlair.reason().contains("Relationship " + link.blairRelationship() + ": its state here or at the"
                + " peer may have been rolled back by restoring an older backup"), atBlair.reason());
        assertTrue(atBlair.reason().endsWith("liaison relationship end --user blair " + link.blairRelationship()
                + ", then invite again"), atBlair.reason());
        assertTrue(atAlex.reason().contains("Relationship " + link.alexRelationship() + ": "), atAlex.reason());
        assertTrue(atAlex.reason().endsWith("liaison relationship end --user alex " + link.alexRelationship()
                + ", then invite again"), atAlex.reason());
        assertEquals(link.blairRelationship(), atBlair.relationship().orElseThrow());
        assertEquals(link.alexRelationship(), atAlex.relationship().orElseThrow());
    }

    /** The relationship's row as a backup holds it: its sealed state and the version saves compare. */
    private static Object[] backup(GatewayPair.Node node, long relationship) {
        return node.rows("SELECT protocol_state, state_version FROM mapping.relationships WHERE id = ?", relationship).get(0);
    }

    /** The backup's row put back while the node is stopped, as restoring the database would. */
    private static void restore(GatewayPair.Node node, long relationship, Object[] backup) throws Exception {
        node.stop();
        try (Connection c = DriverManager.getConnection(node.db.url(), node.db.user(), node.db.password());
             PreparedStatement s = c.prepareStatement("UPDATE mapping.relationships SET protocol_state = ?, state_version = ?"
                     + " WHERE id = ?")) {
            s.setBytes(1, (byte[]) backup[0]);
            s.setLong(2, (Long) backup[1]);
            s.setLong(3, relationship);
            assertEquals(1, s.executeUpdate());
        } finally {
            node.start();
        }
    }

    private static List<QuarantinedEnvelope> quarantined(GatewayPair.Node node, long relationship) {
        return node.gateway.database().inTransaction(c -> new InboundStore(Clock.systemUTC()).quarantined(c, 100)).stream()
                .filter(q -> q.relationship().isPresent() && q.relationship().get() == relationship).toList();
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
