package dev.liaison.gateway.transport.receive;

import dev.liaison.gateway.transport.TransportSchema;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Extra GET resources on the receiving service's listener: answered on a blocking thread, HEAD
 * without a body, every other method 405, unknown paths still 404, the transport's own endpoints
 * unchanged, a failing resource 500, a broken query 400, keep-alive across requests.
 */
class HttpResourceRoutingTest {

    private static final AtomicReference<String> SERVED_ON = new AtomicReference<>("");
    private static Database database;
    private static ReceivingService service;

    @BeforeAll
    static void start() {
        database = TestPostgres.EMBEDDED.freshDatabase();
        database.migrate(TransportSchema.SCHEMA);
        Map<String, HttpResource> resources = new HashMap<>();
        resources.put("/status/ping", request -> {
            SERVED_ON.set(Thread.currentThread().getName());
            return ResourceReply.ok("text/plain; charset=utf-8", "pong\n".getBytes(StandardCharsets.UTF_8))
                    .withHeader("Cache-Control", "no-store");
        });
        resources.put("/status/greeting", request -> ResourceReply.text(200,
                "hello " + request.parameter("name").orElse("nobody")));
        resources.put("/status/broken", request -> {
            throw new IllegalStateException("a resource's own fault");
        });
        resources.put("/status/impossible", request -> {
            throw new AssertionError("an Error, not an exception");
        });
        service = ReceivingService.start(database, ReceiverSettings.plainHttp(InetAddress.getLoopbackAddress(), 0)
                .withResources(HttpResources.of(resources)), new RecordingRelay().relay());
    }

    @AfterAll
    static void stop() {
        service.close();
        database.close();
    }

    @Test
    void getIsAnsweredByTheResourceOnABlockingThreadWithItsHeaders() throws Exception {
        HttpResponse<String> response = client().send(request("/status/ping").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals("pong\n", response.body());
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(""));
        assertEquals("text/plain; charset=utf-8", response.headers().firstValue("Content-Type").orElse(""));
        assertTrue(SERVED_ON.get().startsWith("transport-intake"), "served on " + SERVED_ON.get());
    }

    @Test
    void queryParametersArriveDecoded() throws Exception {
        HttpResponse<String> response = client().send(request("/status/greeting?name=J%C3%BCrgen&x=1").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals("hello Jürgen\n", response.body());
    }

    @Test
    void headAnswersTheLengthWithoutTheBody() throws Exception {
        String answer = exchange("HEAD /status/ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 200 OK\r\n"), answer);
        assertTrue(answer.contains("content-length: 5\r\n"), answer);
        assertTrue(answer.endsWith("\r\n\r\n"), "no body after the header block: " + answer);
    }

    @Test
    void otherMethodsGet405WithAllowAndUnknownPathsStillGet404() throws Exception {
        HttpResponse<String> post = client().send(request("/status/ping").POST(HttpRequest.BodyPublishers.ofString("x"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
        assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElse(""));
        assertEquals(404, client().send(request("/status/pingx").GET().build(), HttpResponse.BodyHandlers.ofString())
                .statusCode());
        assertEquals(404, client().send(request("/status").GET().build(), HttpResponse.BodyHandlers.ofString())
                .statusCode());
        HttpResponse<String> envelopes = client().send(request(EnvelopeHttpHandler.ENVELOPES).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, envelopes.statusCode());
        assertEquals("POST", envelopes.headers().firstValue("Allow").orElse(""));
        assertEquals(200, client().send(request(EnvelopeHttpHandler.WELL_KNOWN).GET().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void aFailingResourceGets500WithoutItsMessage() throws Exception {
        HttpResponse<String> response = client().send(request("/status/broken").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(500, response.statusCode());
        assertEquals("internal error\n", response.body());
    }

    @Test
    void evenAnErrorInAResourceIsAnswered500RatherThanLeavingTheConnectionHanging() throws Exception {
        HttpResponse<String> response = client().send(request("/status/impossible").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(500, response.statusCode());
        assertEquals(200, client().send(request("/status/ping").GET().build(), HttpResponse.BodyHandlers.ofString())
                .statusCode(), "the listener still serves");
    }

    @Test
    void aBrokenQueryEncodingGets400() throws Exception {
        String answer = exchange("GET /status/greeting?name=%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 400 Bad Request\r\n"), answer);
    }

    @Test
    void oneConnectionServesSeveralResourcesInTurn() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), service.port())) {
            socket.setSoTimeout(10_000);
            for (String path : new String[] {"/status/ping", "/status/greeting?name=a", "/status/ping"}) {
                socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                String answer = readResponse(socket.getInputStream());
                assertTrue(answer.startsWith("HTTP/1.1 200 OK\r\n"), answer);
            }
        }
    }

    @Test
    void resourcesCannotTakeTheTransportsPathsOrMalformedOnes() {
        HttpResource any = request -> ResourceReply.text(200, "x");
        assertThrows(IllegalArgumentException.class, () -> HttpResources.of(Map.of(EnvelopeHttpHandler.ENVELOPES, any)));
        assertThrows(IllegalArgumentException.class, () -> HttpResources.of(Map.of(EnvelopeHttpHandler.WELL_KNOWN, any)));
        assertThrows(IllegalArgumentException.class, () -> HttpResources.of(Map.of("metrics", any)));
        assertThrows(IllegalArgumentException.class, () -> HttpResources.of(Map.of("/a?b", any)));
        Map<String, HttpResource> many = new HashMap<>();
        for (int i = 0; i <= dev.liaison.gateway.transport.Limits.MAX_HTTP_RESOURCES; i++) {
            many.put("/r" + i, any);
        }
        assertThrows(IllegalArgumentException.class, () -> HttpResources.of(many));
    }

    private static HttpClient client() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + pathAndQuery))
                .timeout(Duration.ofSeconds(10));
    }

    /** Sends {@code request} on a new connection and reads until the server closes it. */
    private static String exchange(String request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), service.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** One response with a Content-Length body, read without waiting for the connection to close. */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after " + head);
            }
            head.write(b);
        }
        String headers = head.toString(StandardCharsets.US_ASCII);
        int at = headers.indexOf("content-length: ") + "content-length: ".length();
        int length = Integer.parseInt(headers.substring(at, headers.indexOf("\r\n", at)));
        return headers + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
