package dev.liaison.gateway.transport.receive;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.liaison.gateway.transport.EnvelopeId;
import dev.liaison.gateway.transport.TestTls;
import dev.liaison.gateway.transport.TransportSchema;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The receiving side writes one line per envelope answered ({@code received envelope=<id> … outcome=…})
 * and one per envelope processed ({@code processed envelope=<id> attempt=… outcome=… reason="…"}),
 * with the id the sender's {@code delivery} line names, so an administrator can follow a message
 * across the two gateways; never anything of the envelope.
 */
class ReceiverLoggingTest {

    private static final String MARKER = "BODY-MARKER-51a9";

    @TempDir
    Path dir;

    @Test
    void everyEnvelopeReceivedAndProcessedIsLoggedByIdAndOutcomeOnly() throws Exception {
        Logger transport = (Logger) LoggerFactory.getLogger("dev.liaison.gateway.transport");
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        transport.addAppender(captured);
        Level before = transport.getLevel();
        transport.setLevel(Level.DEBUG); // nothing forbidden at any level
        RecordingRelay relay = new RecordingRelay();
        Map<EnvelopeId, InboundProcessor.Outcome> outcomes = new ConcurrentHashMap<>();
        relay.processing = e -> outcomes.getOrDefault(e.id(), new InboundProcessor.Done());
        EnvelopeId filed = EnvelopeId.random();
        EnvelopeId discarded = EnvelopeId.random();
        EnvelopeId quarantined = EnvelopeId.random();
        EnvelopeId deferred = EnvelopeId.random();
        EnvelopeId unresolvable = EnvelopeId.random();
        EnvelopeId malformed = EnvelopeId.random();
        outcomes.put(discarded, InboundProcessor.Done.discarded("relationship blocked"));
        outcomes.put(quarantined, new InboundProcessor.Quarantine("does not open"));
        TestTls tls = TestTls.generate(dir);
        try (Database db = TestPostgres.EMBEDDED.freshDatabase()) {
            db.migrate(TransportSchema.SCHEMA);
            try (ReceivingService service = ReceivingService.start(db, ReceiverSettings.https(
                    InetAddress.getLoopbackAddress(), 0, tls.server().serverContext())
                    .withPollInterval(Duration.ofMillis(50)), relay.relay())) {
                HttpClient client = HttpClient.newBuilder().sslContext(tls.clientContext())
                        .version(HttpClient.Version.HTTP_1_1).build();
                URI endpoint = URI.create("https://127.0.0.1:" + service.port() + EnvelopeHttpHandler.ENVELOPES);
                assertEquals(202, post(client, endpoint, filed, 'R'));
                assertEquals(202, post(client, endpoint, filed, 'R')); // the sender's retry
                assertEquals(202, post(client, endpoint, discarded, 'R'));
                assertEquals(202, post(client, endpoint, quarantined, 'R'));
                assertEquals(202, post(client, endpoint, deferred, 'D'));
                assertEquals(202, post(client, endpoint, unresolvable, 'U'));
                assertEquals(400, post(client, endpoint, malformed, 'M'));
                await(() -> lines(captured).stream().anyMatch(l -> l.startsWith("processed envelope=" + deferred)));
            }
        } finally {
            transport.detachAppender(captured);
            transport.setLevel(before);
        }
        List<String> lines = lines(captured);
        assertLine(lines, "received envelope=" + filed + " octets=64 outcome=stored ms=");
        assertLine(lines, "processed envelope=" + filed + " attempt=1 outcome=filed ms=");
        assertLine(lines, "received envelope=" + filed + " octets=64 outcome=duplicate ms=");
        assertLine(lines, "processed envelope=" + discarded + " attempt=1 outcome=discarded reason=\"relationship blocked\" ms=");
        assertLine(lines, "processed envelope=" + quarantined + " attempt=1 outcome=quarantined reason=\"does not open\" ms=");
        assertLine(lines, "received envelope=" + deferred + " octets=64 outcome=deferred ms=");
        assertLine(lines, "processed envelope=" + deferred + " attempt=1 outcome=filed ms="); // by a worker, later
        assertLine(lines, "received envelope=" + unresolvable + " octets=64 outcome=unresolvable ms=");
        assertLine(lines, "received envelope=" + malformed + " octets=64 outcome=malformed ms=");
        assertEquals(1, lines.stream().filter(l -> l.startsWith("processed envelope=" + filed)).count(),
                "the retry is answered, not processed again");
        for (String line : lines) {
            assertFalse(line.contains(MARKER) || line.contains("/communicator/v1/envelopes") || line.contains("user 7"),
                    "log line reveals the envelope: " + line);
        }
    }

    private static void assertLine(List<String> lines, String prefix) {
        assertEquals(1, lines.stream().filter(l -> l.startsWith(prefix)).count(), prefix + " in " + String.join("\n", lines));
    }

    private static int post(HttpClient client, URI endpoint, EnvelopeId id, char kind) throws Exception {
        byte[] body = new byte[64];
        byte[] text = (kind + MARKER + " the message itself, padded").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, body, 0, Math.min(text.length, body.length));
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/octet-stream").header("Envelope-Id", id.value())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static List<String> lines(ListAppender<ILoggingEvent> captured) {
        synchronized (captured) { // AppenderBase appends under this lock, from the service's threads
            List<String> lines = new ArrayList<>();
            captured.list.forEach(e -> lines.add(e.getFormattedMessage()));
            return lines;
        }
    }

    private static void await(Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.get() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(condition.get(), "the deferred envelope was processed by a worker");
    }
}
