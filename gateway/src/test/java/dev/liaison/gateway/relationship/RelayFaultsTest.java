package dev.liaison.gateway.relationship;

import dev.liaison.gateway.wire.Bytes;
import dev.liaison.mapping.database.TestPostgres;
import dev.liaison.mapping.relationship.RelationshipState;
import dev.liaison.mapping.user.Login;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static dev.liaison.gateway.relationship.GatewayPair.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The relay under faults, with two whole gateways: load in both directions, a peer gateway that is
 * down, hostile envelopes, blocked, foreign and ended relationships, expiry, and invitations made
 * and accepted from a mail client. Each test uses its own subjects (and, where it changes a
 * relationship's state, its own relationship), so they do not depend on each other's order.
 */
class RelayFaultsTest {

    private static final Duration DELIVERY = Duration.ofSeconds(45);

    @TempDir
    static Path dir;
    private static GatewayPair pair;
    private static GatewayPair.Established link;

    @BeforeAll
    static void start() throws Exception {
        pair = new GatewayPair(TestPostgres.available().get(0), dir);
        pair.alex.admin.addUser(Login.of("alex"), "Alex", "alex-pw".toCharArray());
        pair.alex.admin.addUser(Login.of("casey"), "Casey", "casey-pw".toCharArray());
        pair.blair.admin.addUser(Login.of("blair"), "Blair", "blair-pw".toCharArray());
        link = pair.connect();
    }

    @AfterAll
    static void stop() {
        if (pair != null) {
            pair.close();
        }
    }

    @Test
    void twoHundredMessagesInterleavedInBothDirectionsAreEachDeliveredExactlyOnce() throws Exception {
        String run = "burst " + shortId();
        List<String> toBlair = IntStream.range(0, 100).mapToObj(i -> run + " alex to blair " + i).toList();
        List<String> toAlex = IntStream.range(0, 100).mapToObj(i -> run + " blair to alex " + i).toList();
        ExecutorService senders = Executors.newFixedThreadPool(2);
        try {
            Future<?> fromAlex = senders.submit(() -> sendAll(pair.alex, "alex", link.alexAlias(), toBlair));
            Future<?> fromBlair = senders.submit(() -> sendAll(pair.blair, "blair", link.blairAlias(), toAlex));
            fromAlex.get();
            fromBlair.get();
        } finally {
            senders.shutdownNow();
        }

        awaitSubjects(pair.blair, toBlair, Duration.ofSeconds(120));
        awaitSubjects(pair.alex, toAlex, Duration.ofSeconds(120));
        awaitNothingInFlight();
        assertEquals(sorted(toBlair), subjectsStartingWith(pair.blair, "INBOX", run), "blair's INBOX");
        assertEquals(sorted(toAlex), subjectsStartingWith(pair.alex, "INBOX", run), "alex's INBOX");
        assertEquals(sorted(toBlair), subjectsStartingWith(pair.alex, "Sent", run), "alex's Sent");
        assertEquals(sorted(toAlex), subjectsStartingWith(pair.blair, "Sent", run), "blair's Sent");
    }

    @Test
    void mailWrittenWhileThePeersGatewayIsDownIsQueuedAndDeliveredOnceItReturns() throws Exception {
        String subject = "while blair is away " + shortId();
        long before = lastOutboundRow(pair.alex);
        pair.blair.stop();
        try {
            send(pair.alex, "alex", link.alexAlias(), subject); // returns only on 250
            await(DELIVERY, () -> failedAttempts(pair.alex, before) >= 1, "alex's gateway to try blair's and fail");
            assertEquals("pending", onlyNewOutbound(pair.alex, before)[1], "the envelope waits in alex's queue");
            assertEquals(0, MailClients.withSubject(pair.alex, "INBOX", "Undeliverable: " + subject).size());
        } finally {
            pair.blair.start();
        }
        awaitSubjects(pair.blair, List.of(subject), DELIVERY);
        await(DELIVERY, () -> "delivered".equals(onlyNewOutbound(pair.alex, before)[1]), "the envelope to be delivered");
        awaitNothingInFlight();
        assertEquals(1, MailClients.withSubject(pair.blair, "INBOX", subject).size());
    }

    @Test
    void hostileEnvelopesDeliverNothingAndTheRelationshipStillWorksBothWays() throws Exception {
        String subject = "genuine " + shortId();
        long before = lastOutboundRow(pair.alex);
        pair.blair.stop();
        byte[] genuine;
        try {
            send(pair.alex, "alex", link.alexAlias(), subject);
            await(DELIVERY, () -> newOutbound(pair.alex, before).size() == 1, "alex's envelope to be queued");
            genuine = (byte[]) pair.alex.value("SELECT envelope FROM transport.outbound WHERE id > ? AND state = 'pending'",
                    before);
            assertNotNull(genuine, "the queued envelope");
            pair.alex.stop(); // so that the genuine envelope arrives only after the hostile ones
        } finally {
            pair.blair.start();
        }
        try {
            HostileEnvelopes hostile = new HostileEnvelopes(genuine);
            Bytes root = Bytes.adopt((byte[]) pair.blair.value(
                    "SELECT root FROM relay.endpoints WHERE relationship_id = ?", link.blairRelationship()));
            Map<String, byte[]> quarantine = new LinkedHashMap<>();
            quarantine.put("header byte flipped", hostile.flipped(HostileEnvelopes.ENCRYPTED_HEADER_AT + 5));
            quarantine.put("body byte flipped", hostile.flipped(HostileEnvelopes.BODY_AT + 100));
            quarantine.put("forged content", hostile.forgedContent());
            Map<String, byte[]> discard = new LinkedHashMap<>();
            discard.put("random address", hostile.randomAddress());
            discard.put("address byte flipped", hostile.flipped(HostileEnvelopes.ADDRESS_AT + 50));
            discard.put("unknown key generation", hostile.unknownGeneration());
            discard.put("forged address signature", hostile.forgedSignature(root, pair.blair.relay().keys().currentKey()));
            Map<String, byte[]> refuse = Map.of("truncated", hostile.truncated(), "unknown version", hostile.unknownVersion());
            int inboxBefore = MailClients.subjects(pair.blair, "INBOX").size();

            HostileEnvelopes.Poster poster = new HostileEnvelopes.Poster(pair.blair);
            Map<String, String> ids = new LinkedHashMap<>();
            for (var hostileCase : concat(quarantine, discard).entrySet()) {
                String id = HostileEnvelopes.newEnvelopeId();
                ids.put(hostileCase.getKey(), id);
                assertEquals(202, poster.post(id, hostileCase.getValue()), hostileCase.getKey());
            }
            for (var broken : refuse.entrySet()) {
                String id = HostileEnvelopes.newEnvelopeId();
                assertEquals(400, poster.post(id, broken.getValue()), broken.getKey());
                assertNull(inboundState(pair.blair, id), broken.getKey() + " is not stored");
            }
            for (var hostileCase : ids.entrySet()) {
                String expected = quarantine.containsKey(hostileCase.getKey()) ? "quarantined" : "discarded";
                await(DELIVERY, () -> !"pending".equals(inboundState(pair.blair, hostileCase.getValue())),
                        hostileCase.getKey() + " to be processed");
                assertEquals(expected, inboundState(pair.blair, hostileCase.getValue()), hostileCase.getKey());
            }
            assertEquals(inboxBefore, MailClients.subjects(pair.blair, "INBOX").size(), "nothing reached blair's INBOX");

            pair.alex.start();
            awaitSubjects(pair.blair, List.of(subject), DELIVERY);
            String replay = HostileEnvelopes.newEnvelopeId();
            assertEquals(202, poster.post(replay, genuine), "replay");
            await(DELIVERY, () -> !"pending".equals(inboundState(pair.blair, replay)), "the replay to be processed");
            assertEquals("done", inboundState(pair.blair, replay), "a replay is dropped, not quarantined");
            awaitNothingInFlight();
            assertEquals(1, MailClients.withSubject(pair.blair, "INBOX", subject).size(), "the genuine message, once");
            assertEquals(inboxBefore + 1, MailClients.subjects(pair.blair, "INBOX").size());
        } finally {
            if (pair.alex.gateway == null) {
                pair.alex.start();
            }
        }
        assertMailFlowsBothWays(link, "after hostile envelopes " + shortId());
    }

    @Test
    void blockedRelationshipReceivesNothingRefusesSubmissionAndWorksAgainOnceUnblocked() throws Exception {
        GatewayPair.Established blocked = pair.connect();
        inBlairsTransaction(c -> pair.blair.relay().control().block(c, Login.of("blair"), blocked.blairRelationship()));
        String dropped = "to a blocked relationship " + shortId();
        long before = lastOutboundRow(pair.alex);
        send(pair.alex, "alex", blocked.alexAlias(), dropped);
        await(DELIVERY, () -> "delivered".equals(onlyNewOutbound(pair.alex, before)[1]),
                "alex's envelope to reach blair's gateway");
        String envelopeId = (String) onlyNewOutbound(pair.alex, before)[0];
        await(DELIVERY, () -> "done".equals(inboundState(pair.blair, envelopeId)), "blair's gateway to process it");
        assertEquals(0, MailClients.withSubject(pair.blair, "INBOX", dropped).size(), "a blocked relationship delivers nothing");

        String refused = MailClients.refusal(pair.blair, "blair", "blair-pw",
                message(pair.blair, "blair@blair.test", blocked.blairAlias(), "blair writes while blocked"));
        assertTrue(refused.contains("550 5.7.1"), refused);

        inBlairsTransaction(c -> pair.blair.relay().control().unblock(c, Login.of("blair"), blocked.blairRelationship()));
        String after = "after unblocking " + shortId();
        send(pair.alex, "alex", blocked.alexAlias(), after);
        awaitSubjects(pair.blair, List.of(after), DELIVERY);
        assertEquals(0, MailClients.withSubject(pair.blair, "INBOX", dropped).size(), "the blocked message stays dropped");
        assertMailFlowsBothWays(blocked, "unblocked " + shortId());
    }

    @Test
    void aUserCannotSendThroughAnotherUsersRelationshipAlias() throws Exception {
        String subject = "casey tries alex's alias " + shortId();
        long before = lastOutboundRow(pair.alex);
        String refused = MailClients.refusal(pair.alex, "casey", "casey-pw",
                message(pair.alex, "casey@alex.test", link.alexAlias(), subject));
        assertTrue(refused.contains("550 5.1.1"), "as the MX answers, so casey learns nothing of whose it is: " + refused);
        assertEquals(0, newOutbound(pair.alex, before).size(), "nothing was queued for blair");

        String marker = "alex after casey " + shortId();
        send(pair.alex, "alex", link.alexAlias(), marker);
        awaitSubjects(pair.blair, List.of(marker), DELIVERY);
        assertEquals(0, MailClients.withSubject(pair.blair, "INBOX", subject).size());
    }

    @Test
    void endingARelationshipEndsItAtThePeerAndBothAliasesRefuseMail() throws Exception {
        GatewayPair.Established ending = pair.connect();
        pair.alex.gateway.database().inTransaction(c ->
                pair.alex.relay().control().end(c, Login.of("alex"), ending.alexRelationship()));
        assertEquals(RelationshipState.ENDED, pair.alex.state(ending.alexRelationship()));
        await(DELIVERY, () -> pair.blair.state(ending.blairRelationship()) == RelationshipState.ENDED,
                "blair's end to learn that the relationship ended");
        assertEquals(1, endedNotices(pair.blair, ending.blairAlias()), "blair is told once, from the ended alias");
        assertEquals(0, endedNotices(pair.alex, ending.alexAlias()), "alex ended it and needs no notice");

        String alexRefused = MailClients.refusal(pair.alex, "alex", "alex-pw",
                message(pair.alex, "alex@alex.test", ending.alexAlias(), "alex after the end"));
        assertTrue(alexRefused.contains("550 5.7.1"), alexRefused);
        String blairRefused = MailClients.refusal(pair.blair, "blair", "blair-pw",
                message(pair.blair, "blair@blair.test", ending.blairAlias(), "blair after the end"));
        assertTrue(blairRefused.contains("550 5.7.1"), blairRefused);
        for (String refused : List.of(alexRefused, blairRefused)) { // in words, and what to do; nothing of the peer
            assertTrue(refused.contains("has ended") && refused.contains("new invitation"), refused);
            assertFalse(refused.contains("Alex") || refused.contains("Blair"), refused);
        }
        String caseyRefused = MailClients.refusal(pair.alex, "casey", "casey-pw",
                message(pair.alex, "casey@alex.test", ending.alexAlias(), "casey tries alex's ended alias"));
        assertTrue(caseyRefused.contains("550 5.1.1") && !caseyRefused.contains("ended"),
                "another user learns nothing of alex's relationship: " + caseyRefused);
        for (var end : List.of(new Object[]{pair.alex, ending.alexRelationship()},
                new Object[]{pair.blair, ending.blairRelationship()})) {
            GatewayPair.Node node = (GatewayPair.Node) end[0];
            assertEquals(0L, node.value("SELECT count(*) FROM relay.endpoints WHERE relationship_id = ?", end[1]),
                    node.user + "'s addresses for the ended relationship stop resolving");
        }
    }

    @Test
    void aPeerThatWasBlockedEndsTheRelationshipWithoutAWordToTheUser() throws Exception {
        GatewayPair.Established ending = pair.connect();
        pair.blair.gateway.database().inTransaction(c ->
                pair.blair.relay().control().block(c, Login.of("blair"), ending.blairRelationship()));
        pair.alex.gateway.database().inTransaction(c ->
                pair.alex.relay().control().end(c, Login.of("alex"), ending.alexRelationship()));
        await(DELIVERY, () -> pair.blair.state(ending.blairRelationship()) == RelationshipState.ENDED,
                "blair's end to learn that the relationship ended");
        assertEquals(0, endedNotices(pair.blair, ending.blairAlias()), "a blocked peer's mail is dropped, its end too");
    }

    /**
     * A block while the invitation is out holds when it is accepted: the peer is connected (a block
     * is silent: no "Connected" notice) but their mail is dropped, and unblocking lets it through and
     * files the "Connected with …" notice from the relationship's alias, once, so alex learns it.
     */
    @Test
    void aPendingInvitationTheUserBlockedStaysBlockedWhenAccepted() throws Exception {
        Invitations.Issued issued = pair.alex.gateway.database().inTransaction(c -> pair.alex.relay().invitations()
                .create(c, Login.of("alex"), "Alex", Invitations.DEFAULT_LIFETIME));
        long id = issued.relationshipId();
        pair.alex.gateway.database().inTransaction(c -> pair.alex.relay().control().block(c, Login.of("alex"), id));
        Invitations.Accepted accepted = pair.blair.gateway.database().inTransaction(c ->
                pair.blair.relay().invitations().accept(c, Login.of("blair"), "Blair", issued.token()));
        String blairAlias = accepted.alias().address().toString();
        await(DELIVERY, () -> (Long) pair.alex.value("SELECT count(*) FROM mapping.aliases WHERE relationship_id = ?",
                id) == 1, "alex's gateway to take the acceptance (and give the relationship its alias)");
        assertEquals(RelationshipState.BLOCKED, pair.alex.state(id), "the acceptance does not lift the block");

        String dropped = "blair to a blocked invitation " + shortId();
        long before = lastInboundRow(pair.alex);
        send(pair.blair, "blair", blairAlias, dropped);
        await(DELIVERY, () -> processedAfter(pair.alex, before) >= 1, "alex's gateway to take blair's mail");
        assertEquals(RelationshipState.BLOCKED, pair.alex.state(id));
        assertEquals(0, MailClients.withSubject(pair.alex, "INBOX", dropped).size(), "a blocked peer's mail is dropped");
        String alexAlias = (String) pair.alex.value("SELECT address FROM mapping.aliases WHERE relationship_id = ?", id);
        assertEquals(0, connectedNotices(pair.alex, alexAlias), "a block is silent");

        pair.alex.gateway.database().inTransaction(c -> pair.alex.relay().control().unblock(c, Login.of("alex"), id));
        assertEquals(RelationshipState.ACTIVE, pair.alex.state(id), "accepted during the block: active once unblocked");
        assertEquals(1, connectedNotices(pair.alex, alexAlias), "the notice the acceptance would have filed, at unblock");
        String after = "blair after the unblock " + shortId();
        send(pair.blair, "blair", blairAlias, after);
        awaitSubjects(pair.alex, List.of(after), DELIVERY);
    }

    /** Unblocking an invitation still out makes it pending again: nobody has accepted it. */
    @Test
    void anUnblockedInvitationStillOutIsPendingAgain() throws Exception {
        long id = pair.alex.gateway.database().inTransaction(c -> pair.alex.relay().invitations()
                .create(c, Login.of("alex"), "Alex", Invitations.DEFAULT_LIFETIME)).relationshipId();
        pair.alex.gateway.database().inTransaction(c -> pair.alex.relay().control().block(c, Login.of("alex"), id));
        pair.alex.gateway.database().inTransaction(c -> pair.alex.relay().control().unblock(c, Login.of("alex"), id));
        assertEquals(RelationshipState.PENDING, pair.alex.state(id));
    }

    /**
     * An invitation the user ended (withdrew) while it was out and that is accepted anyway: the peer
     * is told it has ended, as an established relationship's peer is, and it stays ended here.
     */
    @Test
    void anInvitationEndedWhileOutTellsWhoeverAcceptsItThatItHasEnded() throws Exception {
        Invitations.Issued issued = pair.alex.gateway.database().inTransaction(c -> pair.alex.relay().invitations()
                .create(c, Login.of("alex"), "Alex", Invitations.DEFAULT_LIFETIME));
        long id = issued.relationshipId();
        pair.alex.gateway.database().inTransaction(c -> pair.alex.relay().control().end(c, Login.of("alex"), id));
        Invitations.Accepted accepted = pair.blair.gateway.database().inTransaction(c ->
                pair.blair.relay().invitations().accept(c, Login.of("blair"), "Blair", issued.token()));
        await(DELIVERY, () -> pair.blair.state(accepted.relationshipId()) == RelationshipState.ENDED,
                "blair's end to learn that the relationship ended");
        assertEquals(1, endedNotices(pair.blair, accepted.alias().address().toString()), "blair is told once");
        assertEquals(RelationshipState.ENDED, pair.alex.state(id), "ended stays ended");
        assertEquals(0L, pair.alex.value("SELECT count(*) FROM relay.endpoints WHERE relationship_id = ?", id),
                "alex's addresses for it stop resolving once it is answered");
        String refused = MailClients.refusal(pair.blair, "blair", "blair-pw",
                message(pair.blair, "blair@blair.test", accepted.alias().address().toString(), "blair after the end"));
        assertTrue(refused.contains("550 5.7.1"), refused);
    }

    private static long lastInboundRow(GatewayPair.Node node) {
        return (Long) node.value("SELECT coalesce(max(id), 0) FROM transport.inbound");
    }

    /** How many envelopes received after row {@code after} {@code node}'s gateway has processed. */
    private static long processedAfter(GatewayPair.Node node, long after) {
        return (Long) node.value("SELECT count(*) FROM transport.inbound WHERE id > ? AND state <> 'pending'", after);
    }

    @Test
    void mailThatCannotBeDeliveredBeforeExpiryComesBackOnceAsADeliveryStatusNotification() throws Exception {
        String subject = "expires on the way " + shortId();
        restartAlex(Map.of("relay.expiry", "3s"));
        long before = lastOutboundRow(pair.alex);
        pair.blair.stop();
        try {
            send(pair.alex, "alex", link.alexAlias(), subject);
            await(DELIVERY, () -> "expired".equals(onlyNewOutbound(pair.alex, before)[1]), "the envelope to expire");
        } finally {
            pair.blair.start();
            restartAlex(Map.of());
        }
        List<byte[]> notices = MailClients.withSubject(pair.alex, "INBOX", "Undeliverable: " + subject);
        assertEquals(1, notices.size(), "one failure notice");
        MimeMessage notice = parse(notices.get(0));
        assertTrue(notice.getContentType().toLowerCase().startsWith("multipart/report"), notice.getContentType());
        assertTrue(notice.getContentType().toLowerCase().contains("report-type=delivery-status"), notice.getContentType());
        Multipart parts = (Multipart) notice.getContent();
        assertTrue(parts.getBodyPart(1).isMimeType("message/delivery-status"), parts.getBodyPart(1).getContentType());
        Part original = parts.getBodyPart(2);
        assertTrue(original.isMimeType("text/rfc822-headers"), original.getContentType());
        try (InputStream in = original.getInputStream()) {
            byte[] header = in.readAllBytes();
            assertEquals(subject, parse(header).getSubject(), "the original's header is attached");
            assertFalse(new String(header, java.nio.charset.StandardCharsets.UTF_8).contains("Body of " + subject),
                    "but not its body");
        }

        String next = "after an expired one " + shortId();
        send(pair.alex, "alex", link.alexAlias(), next);
        awaitSubjects(pair.blair, List.of(next), DELIVERY);
        assertEquals(0, MailClients.withSubject(pair.blair, "INBOX", subject).size(), "the expired message never arrives");
    }

    @Test
    void anInvitationRequestedByMailAndForwardedToAcceptConnectsBothUsers() throws Exception {
        String tag = shortId();
        MimeMessage request = message(pair.alex, "alex@alex.test", "invite@alex.test", "invite please " + tag);
        request.setFrom(new InternetAddress("alex@alex.test", "Alex " + tag));
        MailClients.send(pair.alex, "alex", "alex-pw", request);
        byte[] raw = awaitOne(pair.alex, "Liaison invitation from Alex " + tag);
        for (String line : new String(raw, java.nio.charset.StandardCharsets.ISO_8859_1).split("\r\n")) {
            assertTrue(line.length() <= 998, "RFC 5322 §2.1.1 bounds lines; one has " + line.length() + " octets");
        }
        MimeMessage invitation = parse(raw);
        assertEquals("invite@alex.test", ((InternetAddress) invitation.getFrom()[0]).getAddress());
        Multipart parts = (Multipart) invitation.getContent();
        String text = (String) parts.getBodyPart(0).getContent();
        assertTrue(text.contains("communicator:invitation/"), text);
        assertEquals("invitation.png", parts.getBodyPart(1).getFileName());
        assertTrue(parts.getBodyPart(1).isMimeType("image/png"), parts.getBodyPart(1).getContentType());
        try (InputStream png = parts.getBodyPart(1).getInputStream()) {
            byte[] magic = png.readNBytes(8);
            assertEquals("\u0089PNG\r\n\u001a\n", new String(magic, java.nio.charset.StandardCharsets.ISO_8859_1));
        }

        MimeMessage forwarded = forwardToAccept(text, "Blair " + tag);
        MailClients.send(pair.blair, "blair", "blair-pw", forwarded); // the client's retry: it lost the 250

        MimeMessage alexSide = parse(awaitOne(pair.alex, "Connected with Blair " + tag));
        MimeMessage blairSide = parse(awaitOne(pair.blair, "Connected with Alex " + tag));
        String alexAlias = ((InternetAddress) alexSide.getFrom()[0]).getAddress();
        String blairAlias = ((InternetAddress) blairSide.getFrom()[0]).getAddress();
        assertTrue(alexAlias.endsWith("@alex.test") && blairAlias.endsWith("@blair.test"), alexAlias + " " + blairAlias);
        assertNotEquals(link.alexAlias(), alexAlias, "a new alias for the new relationship");
        assertNotEquals(link.blairAlias(), blairAlias, "a new alias for the new relationship");
        assertMailFlowsBothWays(new GatewayPair.Established(0, alexAlias, 0, blairAlias), "by mail " + tag);

        forwardToAccept(text, "Blair " + tag);
        // exactly one: the retry of the first forward was no second acceptance, and told nothing
        String refusal = (String) parse(awaitOne(pair.blair, "Invitation not accepted")).getContent();
        assertTrue(refusal.contains("already accepted"), refusal);
        assertEquals(1, MailClients.withSubject(pair.blair, "INBOX", "Connected with Alex " + tag).size(),
                "an invitation connects once");
    }

    @Test
    void aMailClientsLongNonLatinSenderNameIsShortenedForTheInvitationNotRefused() throws Exception {
        String tag = shortId();
        // 69 Cyrillic letters (138 octets of UTF-8) and 12 ASCII characters: fewer than 100
        // characters, but over the 128 octets a relationship carries
        String name = "Александра Владимировна Константинопольская-Преображенская Рождественская " + tag;
        assertTrue(name.length() < 100 && name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 128);
        MimeMessage request = message(pair.alex, "alex@alex.test", "invite@alex.test", "invite with a long name " + tag);
        request.setFrom(new InternetAddress("alex@alex.test", name, "UTF-8"));
        request.saveChanges();
        MailClients.send(pair.alex, "alex", "alex-pw", request); // a 451 here would be retried by the client forever

        String subject = awaitSubjectStartingWith(pair.alex, "Liaison invitation from Александра");
        assertTrue(subject.contains("Константинопольская"), subject);
        String shortened = subject.substring("Liaison invitation from ".length());
        assertTrue(shortened.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                <= dev.liaison.gateway.Limits.MAX_DISPLAY_NAME_BYTES, subject);

        MimeMessage invitation = parse(MailClients.withSubject(pair.alex, "INBOX", subject).get(0));
        forwardToAccept((String) ((Multipart) invitation.getContent()).getBodyPart(0).getContent(), "Блэр " + tag);
        MimeMessage alexSide = parse(awaitOne(pair.alex, "Connected with Блэр " + tag));
        MimeMessage blairSide = parse(awaitOne(pair.blair, "Connected with " + shortened));
        assertEquals(shortened, ((InternetAddress) blairSide.getFrom()[0]).getPersonal());
        assertMailFlowsBothWays(new GatewayPair.Established(0, ((InternetAddress) alexSide.getFrom()[0]).getAddress(),
                0, ((InternetAddress) blairSide.getFrom()[0]).getAddress()), "long names " + tag);
    }

    // --- helpers ---

    /** How many "relationship ended" notices from {@code alias} the node's user has in INBOX. */
    private static long connectedNotices(GatewayPair.Node node, String alias) throws Exception {
        return MailClients.raw(node, "INBOX").stream().map(m -> new String(m, java.nio.charset.StandardCharsets.UTF_8))
                .filter(m -> m.contains("\r\nSubject: Connected with ") && m.contains("<" + alias + ">\r\n"))
                .count();
    }

    private static long endedNotices(GatewayPair.Node node, String alias) throws Exception {
        return MailClients.raw(node, "INBOX").stream().map(m -> new String(m, java.nio.charset.StandardCharsets.UTF_8))
                .filter(m -> m.contains("\r\nSubject: Relationship ended: ") && m.contains("<" + alias + ">\r\n"))
                .count();
    }

    /** One message each way arrives, from the relationship's alias at the other end. */
    private static void assertMailFlowsBothWays(GatewayPair.Established l, String subject) throws Exception {
        send(pair.alex, "alex", l.alexAlias(), subject + " to blair");
        send(pair.blair, "blair", l.blairAlias(), subject + " to alex");
        MimeMessage atBlair = parse(awaitOne(pair.blair, subject + " to blair"));
        MimeMessage atAlex = parse(awaitOne(pair.alex, subject + " to alex"));
        assertEquals(l.blairAlias(), ((InternetAddress) atBlair.getFrom()[0]).getAddress());
        assertEquals(l.alexAlias(), ((InternetAddress) atAlex.getFrom()[0]).getAddress());
    }

    /** Blair, shown as {@code name}, forwards an invitation's text to accept@ as a mail client would. */
    private static MimeMessage forwardToAccept(String invitationText, String name) throws Exception {
        MimeMessage forward = message(pair.blair, "blair@blair.test", "accept@blair.test", "Fwd: invitation");
        forward.setFrom(new InternetAddress("blair@blair.test", name, "UTF-8"));
        forward.setText("---------- Forwarded message ----------\n" + invitationText, "UTF-8");
        // the link is one long line, as mail clients show it; they encode it to send it
        forward.setHeader("Content-Transfer-Encoding", "quoted-printable");
        forward.saveChanges();
        MailClients.send(pair.blair, "blair", "blair-pw", forward);
        return forward;
    }

    private static void sendAll(GatewayPair.Node node, String login, String to, List<String> subjects) {
        try {
            jakarta.mail.Session session = MailClients.smtp(node);
            List<Transport> connections = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    Transport t = session.getTransport("smtp");
                    t.connect(login, login + "-pw");
                    connections.add(t);
                }
                for (int i = 0; i < subjects.size(); i++) {
                    MimeMessage m = message(session, login + "@" + node.domain, to, subjects.get(i));
                    connections.get(i % connections.size()).sendMessage(m, m.getAllRecipients());
                }
            } finally {
                for (Transport t : connections) {
                    t.close();
                }
            }
        } catch (Exception e) {
            throw new AssertionError(login + " could not send: " + e, e);
        }
    }

    static void send(GatewayPair.Node node, String login, String to, String subject) throws Exception {
        MailClients.send(node, login, login + "-pw", message(node, login + "@" + node.domain, to, subject));
    }

    private static MimeMessage message(GatewayPair.Node node, String from, String to, String subject) throws Exception {
        return message(MailClients.smtp(node), from, to, subject);
    }

    private static MimeMessage message(jakarta.mail.Session session, String from, String to, String subject)
            throws Exception {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress(from));
        m.setRecipients(Message.RecipientType.TO, to);
        m.setSubject(subject);
        m.setText("Body of " + subject + ".\n");
        m.saveChanges();
        return m;
    }

    private static void restartAlex(Map<String, String> extra) {
        pair.alex.stop();
        pair.alex.extra.clear();
        pair.alex.extra.putAll(extra);
        pair.alex.start();
    }

    private static <X extends Exception> void inBlairsTransaction(
            dev.liaison.mapping.database.Database.TransactionalWork<?, X> work) throws X {
        pair.blair.gateway.database().inTransaction(work);
    }

    private static MimeMessage parse(byte[] raw) throws Exception {
        return new MimeMessage(null, new ByteArrayInputStream(raw));
    }

    private static byte[] awaitOne(GatewayPair.Node node, String subject) throws Exception {
        awaitSubjects(node, List.of(subject), DELIVERY);
        List<byte[]> found = MailClients.withSubject(node, "INBOX", subject);
        assertEquals(1, found.size(), "messages '" + subject + "' in " + node.user + "'s INBOX");
        return found.get(0);
    }

    static void awaitSubjects(GatewayPair.Node node, Collection<String> subjects, Duration timeout)
            throws InterruptedException {
        await(timeout, () -> {
            try {
                return MailClients.subjects(node, "INBOX").containsAll(subjects);
            } catch (Exception e) {
                return false; // the gateway is restarting: ask again
            }
        }, subjects.size() + " message(s) in " + node.user + "'s INBOX");
    }

    private static String awaitSubjectStartingWith(GatewayPair.Node node, String prefix) throws Exception {
        await(DELIVERY, () -> {
            try {
                return !subjectsStartingWith(node, "INBOX", prefix).isEmpty();
            } catch (Exception e) {
                return false;
            }
        }, "a message '" + prefix + "…' in " + node.user + "'s INBOX");
        List<String> found = subjectsStartingWith(node, "INBOX", prefix);
        assertEquals(1, found.size(), found.toString());
        return found.get(0);
    }

    private static List<String> subjectsStartingWith(GatewayPair.Node node, String folder, String prefix)
            throws Exception {
        return sorted(MailClients.subjects(node, folder).stream().filter(s -> s.startsWith(prefix)).toList());
    }

    private static List<String> sorted(List<String> values) {
        return values.stream().sorted().toList();
    }

    /** No envelope waits to be sent or processed at either gateway. */
    private static void awaitNothingInFlight() throws InterruptedException {
        await(DELIVERY, () -> pending(pair.alex) + pending(pair.blair) == 0, "both queues to drain");
    }

    private static long pending(GatewayPair.Node node) {
        return (Long) node.value("SELECT (SELECT count(*) FROM transport.outbound WHERE state = 'pending')"
                + " + (SELECT count(*) FROM transport.inbound WHERE state = 'pending')");
    }

    private static long lastOutboundRow(GatewayPair.Node node) {
        return (Long) node.value("SELECT coalesce(max(id), 0) FROM transport.outbound");
    }

    /** {@code [envelope_id, state, attempts]} of each outbound row after {@code after}. */
    private static List<Object[]> newOutbound(GatewayPair.Node node, long after) {
        return node.rows("SELECT envelope_id, state, attempts, last_error FROM transport.outbound WHERE id > ?"
                + " ORDER BY id", after);
    }

    private static Object[] onlyNewOutbound(GatewayPair.Node node, long after) {
        List<Object[]> rows = newOutbound(node, after);
        assertEquals(1, rows.size(), "envelopes queued at " + node.user + "'s gateway");
        return rows.get(0);
    }

    private static int failedAttempts(GatewayPair.Node node, long after) {
        Object[] row = onlyNewOutbound(node, after);
        return row[3] == null ? 0 : (Integer) row[2];
    }

    static String inboundState(GatewayPair.Node node, String envelopeId) {
        return (String) node.value("SELECT state FROM transport.inbound WHERE envelope_id = ?", envelopeId);
    }

    private static Map<String, byte[]> concat(Map<String, byte[]> a, Map<String, byte[]> b) {
        Map<String, byte[]> all = new LinkedHashMap<>(a);
        all.putAll(b);
        return all;
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
