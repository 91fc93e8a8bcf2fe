package dev.liaison.gateway.transport.receive;

import dev.liaison.gateway.transport.EnvelopeId;
import dev.liaison.gateway.transport.TransportSchema;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Plain HTTP exists only when chosen explicitly; then curl can talk to it without TLS. */
class PlainHttpReceiverTest {

    @TempDir
    Path dir;

    @Test
    void explicitlyChosenPlainHttpAcceptsAnEnvelopeFromCurl() throws Exception {
        RecordingRelay relay = new RecordingRelay();
        try (Database db = TestPostgres.EMBEDDED.freshDatabase()) {
            db.migrate(TransportSchema.SCHEMA);
            try (ReceivingService service = ReceivingService.start(db,
                    ReceiverSettings.plainHttp(InetAddress.getLoopbackAddress(), 0), relay.relay())) {
                Path body = dir.resolve("envelope.bin");
                Files.write(body, ReceivingServiceTest.envelope('R', 512));
                Process curl = new ProcessBuilder("curl", "-sS", "--max-time", "20", "-o", "/dev/null", "-w",
                        "%{http_code}", "-H", "Content-Type: application/octet-stream", "-H",
                        "Envelope-Id: " + EnvelopeId.random().value(), "--data-binary", "@" + body,
                        "http://127.0.0.1:" + service.port() + "/communicator/v1/envelopes")
                        .redirectErrorStream(true).start();
                String status = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                curl.waitFor();
                assertEquals("202", status);
                assertEquals(1, relay.assessed.get());
            }
        }
    }
}
