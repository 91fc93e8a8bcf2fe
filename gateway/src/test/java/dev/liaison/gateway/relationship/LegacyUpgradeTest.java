package dev.liaison.gateway.relationship;

import dev.liaison.mapping.database.TestPostgres;
import dev.liaison.mapping.relationship.RelationshipState;
import dev.liaison.mapping.user.Login;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static dev.liaison.gateway.relationship.GatewayPair.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The automatic upgrade (issue 8), with two whole gateways whose plain-email path is real SMTP:
 * each one's smarthost is the other one's MX. Alex writes to blair's published address by plain
 * email (carrying the relationship's invitation); blair answers the request, which accepts the
 * invitation, so the answer already travels end-to-end encrypted; alex's third message too — all
 * in one thread, between the same two aliases. Afterwards, plain email claiming to be from blair
 * lands in Junk with a warning.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LegacyUpgradeTest {

    private static final Duration DELIVERY = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    private static GatewayPair pair;
    private static String published;

    @BeforeAll
    static void start() throws Exception {
        int alexMx = GatewayPair.freePort();
        int blairMx = GatewayPair.freePort();
        pair = new GatewayPair(TestPostgres.available().get(0), dir, java.time.Clock.systemUTC(),
                Map.of("smtp.inbound.port", String.valueOf(alexMx), "legacy.relay.host", "127.0.0.1",
                        "legacy.relay.port", String.valueOf(blairMx), "legacy.relay.tls", "none"),
                Map.of("smtp.inbound.port", String.valueOf(blairMx), "legacy.relay.host", "127.0.0.1",
                        "legacy.relay.port", String.valueOf(alexMx), "legacy.relay.tls", "none"),
                GatewayPair.LOOPBACK_SPF); // the upgrade is taken up only from authenticated mail
        pair.alex.admin.addUser(Login.of("alex"), "Alex", "alex-pw".toCharArray());
        pair.blair.admin.addUser(Login.of("blair"), "Blair", "blair-pw".toCharArray());
        published = pair.blair.admin.createAlias(Login.of("blair"), "blair", true).address().toString();
    }

    @AfterAll
    static void stop() {
        if (pair != null) {
            pair.close();
        }
    }

    @Test
    @Order(1) // its counts of outward aliases and upgrades are of its own conversation
    void firstMessageByPlainEmailTheAnswerUpgradesTheThirdTravelsEncryptedInOneThread() throws Exception {
        send(pair.alex, "alex", published, "lunch?", null);
        MimeMessage atBlair = awaitOne(pair.blair, "Requests", "lunch?");
        String alexAtBlair = ((InternetAddress) atBlair.getFrom()[0]).getAddress();
        assertNull(atBlair.getHeader("Communicator-Invite"), "the invitation is for the gateway, not the mail client");
        assertEquals(1L, count(pair.alex, "SELECT count(*) FROM legacy.outbound"), "the first message was plain email");

        MimeMessage answer = send(pair.blair, "blair", alexAtBlair, "Re: lunch?", atBlair.getMessageID());
        MimeMessage atAlex = awaitOne(pair.alex, "INBOX", "Re: lunch?");
        String blairAtAlex = ((InternetAddress) atAlex.getFrom()[0]).getAddress();
        assertEquals(0L, count(pair.blair, "SELECT count(*) FROM legacy.outbound"),
                "answering accepted the invitation: the answer left over the Communicator transport");
        assertEquals(awaitOne(pair.alex, "Sent", "lunch?").getMessageID(), atAlex.getHeader("In-Reply-To")[0],
                "the answer threads under alex's first message");
        // the name each gateway gave: the user's display name, the mail clients' From having none (never the login)
        awaitOne(pair.alex, "INBOX", "Now end-to-end encrypted: Blair");
        awaitOne(pair.blair, "INBOX", "Now end-to-end encrypted: Alex");

        send(pair.alex, "alex", blairAtAlex, "Re: Re: lunch?", answer.getMessageID());
        MimeMessage third = awaitOne(pair.blair, "INBOX", "Re: Re: lunch?");
        assertEquals(alexAtBlair, ((InternetAddress) third.getFrom()[0]).getAddress(),
                "the same alias as the first plain email: the thread stays where it was");
        assertEquals(1L, count(pair.alex, "SELECT count(*) FROM legacy.outbound"), "no more plain email from alex");
        assertTrue(count(pair.alex, "SELECT count(*) FROM mapping.legacy_correspondents WHERE upgraded_at IS NOT NULL") == 1
                && count(pair.blair, "SELECT count(*) FROM mapping.legacy_correspondents WHERE upgraded_at IS NOT NULL") == 1,
                "both ends record the upgrade");

        String alexOutward = (String) pair.alex.value("SELECT a.address FROM mapping.aliases a WHERE a.target = 'outward'");
        plainFromBlairsAddress(alexOutward, "plain email after the upgrade");
        MimeMessage suspicious = awaitOne(pair.alex, "Junk", "plain email after the upgrade");
        assertTrue(suspicious.getHeader("X-Liaison-Warning")[0].contains("end-to-end encrypted"),
                "downgrade is never silent");
    }

    /**
     * Alex blocks blair's second published address after writing to it; blair answers, which
     * completes the upgrade at alex's gateway. The block stays, and stays silent: no "Now end-to-end
     * encrypted" notice for alex, nor blair's answer. Unblocked, alex gets the notice, once, also after
     * a second block and unblock.
     */
    @Test
    @Order(2)
    void anUpgradeThatCompletesWhileTheUserBlocksTheCorrespondentFilesItsNoticeOnlyAtTheUnblock() throws Exception {
        String desk = pair.blair.admin.createAlias(Login.of("blair"), "desk", true).address().toString();
        send(pair.alex, "alex", desk, "quiet please", null);
        MimeMessage atBlair = awaitOne(pair.blair, "Requests", "quiet please");
        long id = ((Number) pair.alex.value("SELECT relationship_id FROM mapping.legacy_correspondents WHERE address = ?",
                desk)).longValue();
        String blairAtAlex = (String) pair.alex.value("SELECT address FROM mapping.aliases WHERE relationship_id = ?"
                + " AND target = 'relationship'", id);
        pair.alex.gateway.database().inTransaction(c -> pair.alex.relay().control().block(c, Login.of("alex"), id));

        send(pair.blair, "blair", ((InternetAddress) atBlair.getFrom()[0]).getAddress(), "Re: quiet please",
                atBlair.getMessageID());
        await(DELIVERY, () -> pair.alex.value("SELECT upgraded_at FROM mapping.legacy_correspondents"
                + " WHERE relationship_id = ?", id) != null, "the upgrade to complete at alex's gateway");
        assertEquals(RelationshipState.BLOCKED, pair.alex.state(id), "the upgrade does not lift the block");
        long notices = MailClients.raw(pair.alex, "INBOX").stream()
                .map(m -> new String(m, java.nio.charset.StandardCharsets.UTF_8))
                .filter(m -> m.contains("\r\nSubject: Now end-to-end encrypted") && m.contains("<" + blairAtAlex + ">"))
                .count();
        assertEquals(0, notices, "a block is silent");
        assertTrue(MailClients.withSubject(pair.alex, "INBOX", "Re: quiet please").isEmpty(), "blair's answer dropped");

        // unblocked, alex learns of the upgrade, or blair's plain email going to Junk would be unexplained;
        // blocked and unblocked again (upgraded before that block, its notice filed), no second notice
        pair.alex.gateway.database().inTransaction(c -> pair.alex.relay().control().unblock(c, Login.of("alex"), id));
        assertEquals(1, upgradeNotices(blairAtAlex), "the upgrade's notice once the block is lifted");
        pair.alex.gateway.database().inTransaction(c -> pair.alex.relay().control().block(c, Login.of("alex"), id));
        pair.alex.gateway.database().inTransaction(c -> pair.alex.relay().control().unblock(c, Login.of("alex"), id));
        assertEquals(1, upgradeNotices(blairAtAlex), "one notice for one upgrade");
    }

    /** The "Now end-to-end encrypted" notices in alex's INBOX from the alias {@code from}. */
    private static long upgradeNotices(String from) throws Exception {
        return MailClients.raw(pair.alex, "INBOX").stream()
                .map(m -> new String(m, java.nio.charset.StandardCharsets.UTF_8))
                .filter(m -> m.contains("\r\nSubject: Now end-to-end encrypted") && m.contains("<" + from + ">"))
                .count();
    }

    /** Someone sends plain email to alex's MX claiming to be blair's published address. */
    private static void plainFromBlairsAddress(String to, String subject) throws Exception {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(pair.alex.gateway.inboundPort()));
        p.put("mail.smtp.from", published);
        MimeMessage m = new MimeMessage(Session.getInstance(p));
        m.setFrom(new InternetAddress(published, "Blair"));
        m.setRecipients(Message.RecipientType.TO, to);
        m.setSubject(subject);
        m.setText("trust me\r\n");
        m.saveChanges();
        Transport.send(m);
    }

    private static MimeMessage send(GatewayPair.Node node, String login, String to, String subject, String inReplyTo)
            throws Exception {
        MimeMessage m = new MimeMessage(MailClients.smtp(node));
        m.setFrom(new InternetAddress(login + "@" + node.domain));
        m.setRecipients(Message.RecipientType.TO, to);
        m.setSubject(subject);
        if (inReplyTo != null) {
            m.setHeader("In-Reply-To", inReplyTo);
        }
        m.setText("Body of " + subject + "\r\n");
        m.saveChanges();
        MailClients.send(node, login, login + "-pw", m);
        return m;
    }

    private static MimeMessage awaitOne(GatewayPair.Node node, String folder, String subject) throws Exception {
        await(DELIVERY, () -> {
            try {
                return MailClients.subjects(node, folder).contains(subject);
            } catch (Exception e) {
                return false;
            }
        }, "'" + subject + "' in " + node.user + "'s " + folder);
        List<MimeMessage> found = MailClients.messages(node, folder).stream().filter(m -> {
            try {
                return subject.equals(m.getSubject());
            } catch (Exception e) {
                return false;
            }
        }).toList();
        assertEquals(1, found.size(), "'" + subject + "' in " + node.user + "'s " + folder);
        return found.get(0);
    }

    private static long count(GatewayPair.Node node, String sql) {
        return ((Number) node.value(sql)).longValue();
    }
}
