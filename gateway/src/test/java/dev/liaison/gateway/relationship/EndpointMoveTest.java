package dev.liaison.gateway.relationship;

import dev.liaison.gateway.Relay;
import dev.liaison.mapping.database.TestPostgres;
import dev.liaison.mapping.user.Login;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Alex's administrator moves the receiving service to another port (http.port and http.public-url)
 * and restarts: blair's gateway hears of it at once (a keep-alive carrying the new route), so its
 * next delivery goes to the new URL. Before, peers were told only when alex's addresses next ran
 * low (up to 15 days later) and meanwhile posted to the closed port until their mail expired.
 */
class EndpointMoveTest {

    @TempDir
    static Path dir;
    private static GatewayPair pair;
    private static GatewayPair.Established link;

    @BeforeAll
    static void start() throws Exception {
        pair = new GatewayPair(TestPostgres.available().get(0), dir);
        pair.alex.admin.addUser(Login.of("alex"), "Alex", "alex-pw".toCharArray());
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
    void aRestartOnTheSameUrlTellsPeersNothingAndAMovedOneIsSentToEveryPeerAtOnce() throws Exception {
        long sentByAlex = outbound(pair.alex);
        pair.alex.stop();
        pair.alex.start();
        // the gateway's own keep-alive pass has run by the time this one ends (row locks)
        assertEquals(0, pair.alex.relay().keepAlive().runOnce(), "nothing due after a restart on the same URL");
        assertEquals(sentByAlex, outbound(pair.alex), "no route sent for an unchanged URL");

        long processedAtBlair = processed(pair.blair);
        int movedPort = GatewayPair.freePort();
        String movedUrl = "https://localhost:" + movedPort;
        pair.alex.stop();
        pair.alex.extra.put("http.port", String.valueOf(movedPort));
        pair.alex.extra.put("http.public-url", movedUrl);
        pair.alex.start();
        assertEquals(movedUrl + Relay.ENVELOPE_PATH, pair.alex.relay().endpoint().toString());
        GatewayPair.await(Duration.ofSeconds(30), () -> processed(pair.blair) > processedAtBlair,
                "blair's gateway to process the new route alex sends at start");

        MimeMessage m = new MimeMessage(MailClients.smtp(pair.blair));
        m.setFrom("blair@blair.test");
        m.setRecipients(Message.RecipientType.TO, link.blairAlias());
        m.setSubject("after the move");
        m.setText("found you\r\n");
        m.saveChanges();
        MailClients.send(pair.blair, "blair", "blair-pw", m);
        RelayEndToEndTest.awaitMessage(pair.alex, "after the move");
        Object destination = pair.blair.value("SELECT destination FROM transport.outbound ORDER BY id DESC LIMIT 1");
        assertEquals(movedUrl + Relay.ENVELOPE_PATH, destination, "blair's delivery went to the new URL");
        assertTrue(pair.alex.relay().republishIfEndpointMoved().isEmpty(), "the new URL is recorded as published");
    }

    private static long outbound(GatewayPair.Node node) {
        return ((Number) node.value("SELECT count(*) FROM transport.outbound")).longValue();
    }

    /** Envelopes a node processed to the end (delivered or dropped on purpose). */
    private static long processed(GatewayPair.Node node) {
        return ((Number) node.value("SELECT count(*) FROM transport.inbound WHERE state = 'done'")).longValue();
    }
}
