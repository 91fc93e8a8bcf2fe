package dev.liaison.gateway.health;

import dev.liaison.gateway.Gateway;
import dev.liaison.gateway.config.Configuration;
import dev.liaison.gateway.transport.TransportSchema;
import dev.liaison.gateway.transport.receive.ReceiverSettings;
import dev.liaison.gateway.transport.receive.ReceivingService;
import dev.liaison.gateway.transport.receive.RecordingRelay;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.DatabaseLocation;
import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Readiness against real failures: the gateway's own database refusing every connection (its
 * backends terminated, new ones not allowed), a listener that was closed, a query that hangs.
 */
class ReadinessTest {

    @TempDir
    Path dir;

    @Test
    void readyTurns503WhenTheDatabaseIsGoneAndBackWhenItReturnsWhileLiveStays200() throws Exception {
        DatabaseLocation.External db = TestPostgres.available().get(0).freshLocation();
        try (Gateway gateway = Gateway.start(configuration(db))) {
            assertEquals(200, get(gateway, "/health/ready").statusCode());

            TestPostgres.allowConnections(db, false);
            // the first checks may still find a connection the server ended, or come before the pool
            // has tried (and failed) to connect again
            HttpResponse<String> down = await(gateway, "/health/ready",
                    r -> r.statusCode() == 503 && r.body().contains("refuses"));
            assertEquals(503, down.statusCode(), down.body());
            // what happened, not a timeout: PostgreSQL's "not currently accepting connections", no name in it
            assertEquals("the database refuses connections (SQL state 55000)\n", down.body());
            assertEquals(1, down.body().lines().count(), "one line: " + down.body());
            assertEquals(200, get(gateway, "/health/live").statusCode());
            HttpResponse<String> metrics = get(gateway, "/metrics");
            assertEquals(200, metrics.statusCode(), "metrics are served without the database");
            assertTrue(metrics.body().contains("\nliaison_relay_outbound_pending NaN\n"), "queue depth unknown, not stale");

            TestPostgres.allowConnections(db, true);
            HttpResponse<String> back = await(gateway, "/health/ready", r -> r.statusCode() == 200);
            assertEquals("ready\n", back.body());
        } finally {
            TestPostgres.allowConnections(db, true);
        }
    }

    @Test
    void aClosedListenerMakesTheGatewayUnready() throws Exception {
        try (Database database = TestPostgres.EMBEDDED.freshDatabase();
             DatabaseProbe probe = new DatabaseProbe(database, Duration.ofSeconds(2))) {
            database.migrate(TransportSchema.SCHEMA);
            ReceivingService service = ReceivingService.start(database,
                    ReceiverSettings.plainHttp(InetAddress.getLoopbackAddress(), 0), new RecordingRelay().relay());
            Readiness readiness = new Readiness(probe, List.of(new Readiness.Listener("the receiving service",
                    service::listening)));
            assertEquals(new Readiness.Verdict(true, "ready"), readiness.check());
            service.close();
            assertEquals(new Readiness.Verdict(false, "the receiving service is not listening"), readiness.check());
        }
    }

    @Test
    void aQuestionTheDatabaseDoesNotAnswerInTimeFailsAndTheNextOneIsAnswered() throws Exception {
        try (Database database = TestPostgres.EMBEDDED.freshDatabase();
             DatabaseProbe probe = new DatabaseProbe(database, Duration.ofMillis(300))) {
            DatabaseProbe.Answer<Boolean> slow = probe.ask(c -> {
                try (var s = c.createStatement()) {
                    return s.execute("SELECT pg_sleep(30)");
                }
            });
            var failed = assertInstanceOf(DatabaseProbe.Answer.Failed.class, slow);
            assertEquals("the database did not answer within 300 ms", failed.reason());
            DatabaseProbe.Answer<Integer> next = probe.ask(c -> {
                try (var s = c.createStatement(); var rs = s.executeQuery("SELECT 41 + 1")) {
                    rs.next();
                    return rs.getInt(1);
                }
            });
            assertEquals(new DatabaseProbe.Answer.Answered<>(42), next);
        }
    }

    private Configuration configuration(DatabaseLocation.External db) {
        return Configuration.defaultsWith(Map.ofEntries(Map.entry("domain", "ready.test"),
                Map.entry("data-dir", dir.toString()), Map.entry("bind-address", "127.0.0.1"),
                Map.entry("smtp.submission.port", "0"), Map.entry("smtp.submissions.port", "0"), Map.entry("smtp.inbound.port", "0"),
                Map.entry("imap.port", "0"), Map.entry("imaps.port", "0"), Map.entry("http.port", "0"),
                Map.entry("http.tls", "false"), Map.entry("database.url", db.url()),
                Map.entry("database.user", db.user()), Map.entry("database.password", db.password())));
    }

    /**
     * Makes the database refuse (or accept again) every connection: new ones are not allowed and
     * the existing ones, the gateway's pool among them, are terminated. For the gateway that is
     * the database gone; for the test it is reversible.
     */
    private static HttpResponse<String> get(Gateway gateway, String path) throws Exception {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.httpPort() + path))
                        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> await(Gateway gateway, String path, Predicate<HttpResponse<String>> done)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        HttpResponse<String> response = get(gateway, path);
        while (!done.test(response) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            response = get(gateway, path);
        }
        return response;
    }
}
