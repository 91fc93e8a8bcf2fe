package dev.liaison.gateway.transport;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.liaison.gateway.transport.receive.InboundProcessor;
import dev.liaison.gateway.transport.receive.RecordingRelay;
import dev.liaison.gateway.transport.receive.ReceiverSettings;
import dev.liaison.gateway.transport.receive.ReceivingService;
import dev.liaison.gateway.transport.send.DeliverySettings;
import dev.liaison.gateway.transport.send.DeliveryWorker;
import dev.liaison.gateway.transport.send.EnvelopePoster;
import dev.liaison.gateway.transport.send.OutboundEnvelope;
import dev.liaison.gateway.transport.send.OutboundQueue;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Envelope bodies and endpoint paths never reach the log, even at DEBUG and on every failure path. */
class TransportLoggingTest {

    private static final String MARKER = "BODY-MARKER-7c1f";

    @TempDir
    Path dir;

    @Test
    void deliveryRejectionAndQuarantineLogIdsAndSizesButNeverBodies() throws Exception {
        Logger transport = (Logger) LoggerFactory.getLogger("dev.liaison.gateway.transport");
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        transport.addAppender(captured);
        Level before = transport.getLevel();
        transport.setLevel(Level.DEBUG);
        RecordingRelay relay = new RecordingRelay();
        relay.processing = e -> new InboundProcessor.Quarantine("cannot decrypt");
        TestTls tls = TestTls.generate(dir);
        try (Database sender = TestPostgres.EMBEDDED.freshDatabase(); Database receiver = TestPostgres.EMBEDDED.freshDatabase()) {
            sender.migrate(TransportSchema.SCHEMA);
            receiver.migrate(TransportSchema.SCHEMA);
            DeliverySettings settings = DeliverySettings.defaults().withPollInterval(Duration.ofMillis(50));
            OutboundQueue queue = new OutboundQueue(settings);
            try (ReceivingService rs = ReceivingService.start(receiver, ReceiverSettings.https(
                         InetAddress.getLoopbackAddress(), 0, tls.server().serverContext()), relay.relay());
                 DeliveryWorker worker = DeliveryWorker.start(sender, settings,
                         new EnvelopePoster(tls.clientContext()), (c, e) -> { })) {
                URI endpoint = URI.create("https://127.0.0.1:" + rs.port() + "/communicator/v1/envelopes");
                sender.inTransaction(c -> queue.enqueue(c, envelope(endpoint, "R")));  // delivered, then quarantined
                sender.inTransaction(c -> queue.enqueue(c, envelope(endpoint, "M")));  // refused as malformed
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while ((relay.processed.isEmpty() || !logged(captured, "refused")) && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
            }
        } finally {
            transport.detachAppender(captured);
            transport.setLevel(before);
        }
        assertTrue(logged(captured, "quarantined"), "the quarantine was logged");
        assertTrue(logged(captured, "refused"), "the refusal was logged");
        for (ILoggingEvent event : captured.list) {
            String line = event.getFormattedMessage();
            assertFalse(line.contains(MARKER), "body in log: " + line);
            assertFalse(line.contains("/communicator/v1/envelopes"), "endpoint path in log: " + line);
        }
    }

    private static OutboundEnvelope envelope(URI endpoint, String kind) {
        byte[] body = (kind + MARKER + " the message itself").getBytes(StandardCharsets.US_ASCII);
        return new OutboundEnvelope(EnvelopeId.random(), endpoint, EnvelopeBytes.copyOf(body));
    }

    private static boolean logged(ListAppender<ILoggingEvent> captured, String word) {
        synchronized (captured) { // AppenderBase appends under this lock, from the workers' threads
            return captured.list.stream().anyMatch(e -> e.getFormattedMessage().contains(word));
        }
    }
}
