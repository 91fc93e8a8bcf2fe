package dev.liaison.gateway.transport.receive;

import dev.liaison.smtp.message.ArrivalPace;
import dev.liaison.gateway.transport.EnvelopeId;
import dev.liaison.gateway.transport.TestTls;
import dev.liaison.gateway.transport.TransportSchema;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import javax.net.ssl.SSLSocket;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The receiving service over real HTTPS on an ephemeral port, with real PostgreSQL, JDK HttpClient and curl. */
@ParameterizedClass
@MethodSource("dev.liaison.mapping.database.TestPostgres#available")
class ReceivingServiceTest {

    private static final int MAX = 4096;

    @Parameter
    TestPostgres postgres;

    @TempDir
    Path dir;

    private Database db;
    private TestTls tls;
    private final RecordingRelay relay = new RecordingRelay();
    private ReceivingService service;
    private HttpClient client;

    @BeforeEach
    void start() throws Exception {
        db = postgres.freshDatabase();
        db.migrate(TransportSchema.SCHEMA);
        tls = TestTls.generate(dir);
        ReceiverSettings settings = ReceiverSettings.https(InetAddress.getLoopbackAddress(), 0, tls.server().serverContext())
                .withMaxEnvelopeBytes(MAX).withUnresolvableThreshold(3).withPollInterval(Duration.ofMillis(100));
        service = ReceivingService.start(db, settings, relay.relay());
        client = HttpClient.newBuilder().sslContext(tls.clientContext()).version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterEach
    void stop() {
        service.close();
        db.close();
    }

    @Test
    void postedEnvelopeIsStoredBeforeTheAnswerAndHandedToTheProcessorByteForByte() throws Exception {
        byte[] body = envelope('R', 3000);
        EnvelopeId id = EnvelopeId.random();
        HttpResponse<String> response = post(id.value(), body);
        assertEquals(202, response.statusCode());
        assertEquals(1, rows(), "the row exists as soon as 202 is answered");
        waitUntil(() -> relay.processed.size() == 1);
        InboundEnvelope processed = relay.processed.get(0);
        assertEquals(id, processed.id());
        assertArrayEquals(body, processed.envelope().toByteArray());
        assertEquals(new EnvelopeAcceptor.Resolved(7), processed.resolution());
        waitUntil(() -> status(id).state() == InboundStatus.State.DONE);
        assertEquals(false, status(id).bytesKept(), "processed envelopes keep only their id");
    }

    @Test
    void aResolvedEnvelopeIsProcessedInTheTransactionThatTakesIt() throws Exception {
        java.util.concurrent.atomic.AtomicInteger rowsSeenFromOutside = new java.util.concurrent.atomic.AtomicInteger(-1);
        relay.processing = e -> {
            rowsSeenFromOutside.set(rows()); // another connection: the taking transaction has not committed
            return new InboundProcessor.Done();
        };
        EnvelopeId id = EnvelopeId.random();
        assertEquals(202, post(id.value(), envelope('R', 500)).statusCode());
        assertEquals(1, relay.processed.size(), "processed before the 202");
        assertEquals(0, rowsSeenFromOutside.get(), "processed inside the transaction that took it");
        assertEquals(InboundStatus.State.DONE, status(id).state());
        assertEquals(false, status(id).bytesKept());
    }

    @Test
    void anEnvelopeQuarantinedOnArrivalIsKeptWhole() throws Exception {
        relay.processing = e -> new InboundProcessor.Quarantine("does not decrypt");
        EnvelopeId id = EnvelopeId.random();
        assertEquals(202, post(id.value(), envelope('R', 600)).statusCode());
        InboundStatus status = status(id);
        assertEquals(InboundStatus.State.QUARANTINED, status.state());
        assertEquals(true, status.bytesKept());
        assertEquals("does not decrypt", status.lastError());
        var listed = db.inTransaction(c -> new InboundStore(java.time.Clock.systemUTC()).quarantined(c, 10));
        assertEquals(List.of(id), listed.stream().map(QuarantinedEnvelope::id).toList());
        assertEquals(600, listed.get(0).size());
    }

    @Test
    void anEnvelopeWhoseProcessingFailsOnArrivalIsKeptWholeAndProcessedByTheWorkers() throws Exception {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        relay.processing = e -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("the first attempt fails");
            }
            return new InboundProcessor.Done();
        };
        EnvelopeId id = EnvelopeId.random();
        byte[] body = envelope('R', 700);
        assertEquals(202, post(id.value(), body).statusCode());
        waitUntil(() -> status(id).state() == InboundStatus.State.DONE);
        assertEquals(2, relay.processingCalls.get(id).get());
        assertArrayEquals(body, relay.processed.get(0).envelope().toByteArray(), "the workers got the whole envelope");
        assertEquals(0, status(id).failures(), "only the workers count failures");
        assertEquals(1, rows());
    }

    @Test
    void aResendArrivingWhileTheFirstIsProcessedIsNotProcessedAgain() throws Exception {
        java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        relay.processing = e -> {
            inside.countDown();
            try {
                release.await();
            } catch (InterruptedException interrupted) {
                throw new IllegalStateException(interrupted);
            }
            return new InboundProcessor.Done();
        };
        EnvelopeId id = EnvelopeId.random();
        var first = java.util.concurrent.CompletableFuture.supplyAsync(() -> postUnchecked(id, envelope('R', 100)));
        assertTrue(inside.await(20, java.util.concurrent.TimeUnit.SECONDS));
        var resend = java.util.concurrent.CompletableFuture.supplyAsync(() -> postUnchecked(id, envelope('R', 100)));
        Thread.sleep(300); // the resend reaches the taken id and waits for the first transaction
        release.countDown();
        assertEquals(202, first.get().statusCode());
        assertEquals(202, resend.get().statusCode());
        assertEquals(1, relay.processingCalls.get(id).get(), "processed once");
        assertEquals(1, rows());
        assertEquals(InboundStatus.State.DONE, status(id).state());
    }

    @Test
    void resentEnvelopeIdIsAnsweredAgainWithoutASecondRowOrProcessing() throws Exception {
        EnvelopeId id = EnvelopeId.random();
        assertEquals(202, post(id.value(), envelope('R', 100)).statusCode());
        waitUntil(() -> relay.processed.size() == 1);
        assertEquals(202, post(id.value(), envelope('R', 100)).statusCode());
        assertEquals(202, post(id.value(), envelope('R', 100)).statusCode());
        assertEquals(1, rows());
        assertEquals(3, relay.assessed.get(), "a resend is assessed again: the row's unique id is the check");
        assertEquals(InboundStatus.State.DONE, status(id).state());
        Thread.sleep(300);
        assertEquals(1, relay.processed.size(), "a resend is never processed twice");
    }

    @Test
    void unresolvableAddressGetsTheSameAnswerAsAResolvableOneAndKeepsOnlyTheId() throws Exception {
        HttpResponse<String> resolvable = post(EnvelopeId.random().value(), envelope('R', 200));
        EnvelopeId unresolvableId = EnvelopeId.random();
        HttpResponse<String> unresolvable = post(unresolvableId.value(), envelope('U', 200));
        assertEquals(resolvable.statusCode(), unresolvable.statusCode());
        assertEquals(resolvable.body(), unresolvable.body());
        assertEquals(resolvable.headers().map().keySet(), unresolvable.headers().map().keySet());
        assertEquals(InboundStatus.State.DISCARDED, status(unresolvableId).state());
        assertEquals(false, status(unresolvableId).bytesKept());
    }

    @Test
    void peerOverItsUnresolvableThresholdGets429AndNothingMoreIsStored() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertEquals(202, post(EnvelopeId.random().value(), envelope('U', 50)).statusCode());
        }
        HttpResponse<String> throttled = post(EnvelopeId.random().value(), envelope('R', 50));
        assertEquals(429, throttled.statusCode());
        assertTrue(throttled.headers().firstValue("Retry-After").isPresent());
        assertEquals(3, rows());
    }

    @Test
    void brokenFramingGets400AndNothingIsStored() throws Exception {
        HttpResponse<String> response = post(EnvelopeId.random().value(), envelope('M', 80));
        assertEquals(400, response.statusCode());
        assertTrue(response.body().startsWith("malformed envelope"), response.body());
        assertEquals(0, rows());
    }

    @Test
    void missingOrInvalidEnvelopeIdGets400() throws Exception {
        assertEquals(400, post("short", envelope('R', 10)).statusCode());
        assertEquals(400, post("has space in the middle!!", envelope('R', 10)).statusCode());
        assertEquals(0, rows());
    }

    @Test
    void twoEnvelopeIdHeadersGet400AndNothingIsStoredEvenWhenBothAreValid() throws Exception {
        byte[] body = envelope('R', 10);
        for (String second : new String[] {EnvelopeId.random().value(), null}) {
            EnvelopeId first = EnvelopeId.random();
            String head = new String(requestHead(first, body.length), StandardCharsets.US_ASCII).replace(
                    "Envelope-Id: " + first.value() + "\r\n", "Envelope-Id: " + first.value() + "\r\nEnvelope-Id: "
                            + (second == null ? first.value() : second) + "\r\n");
            try (SSLSocket socket = open()) {
                socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().write(body);
                String answer = responseHead(socket);
                assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
            }
        }
        assertEquals(0, rows());
        assertEquals(0, relay.assessed.get());
        assertTrue(relay.processed.isEmpty());
    }

    @Test
    void emptyBodyGets400() throws Exception {
        assertEquals(400, post(EnvelopeId.random().value(), new byte[0]).statusCode());
        assertEquals(0, rows());
    }

    @Test
    void envelopeDeclaredOverTheLimitGets413BeforeItsBodyIsSent() throws Exception {
        // curl waits for 100 Continue before sending the body; we answer 413 instead.
        Path file = dir.resolve("big.bin");
        Files.write(file, envelope('R', MAX + 1));
        List<String> result = curl("-H", "Expect: 100-continue", "-H", "Content-Type: application/octet-stream",
                "-H", "Envelope-Id: " + EnvelopeId.random().value(), "--data-binary", "@" + file, endpoint().toString());
        assertEquals("413", result.get(result.size() - 1));
        assertEquals(0, rows());
    }

    @Test
    void envelopeExactlyAtTheLimitIsAccepted() throws Exception {
        assertEquals(202, post(EnvelopeId.random().value(), envelope('R', MAX)).statusCode());
        assertEquals(1, rows());
    }

    @Test
    void chunkedBodyGrowingPastTheLimitGets413ViaCurl() throws Exception {
        Path file = dir.resolve("big.bin");
        Files.write(file, envelope('R', MAX * 3));
        List<String> result = curl("-X", "POST", "-H", "Transfer-Encoding: chunked", "-H",
                "Content-Type: application/octet-stream", "-H", "Envelope-Id: " + EnvelopeId.random().value(),
                "--data-binary", "@" + file, endpoint().toString());
        assertEquals("413", result.get(result.size() - 1));
        assertEquals(0, rows());
    }

    @Test
    void curlPostIsAccepted() throws Exception {
        Path file = dir.resolve("envelope.bin");
        Files.write(file, envelope('R', 2000));
        List<String> result = curl("-H", "Content-Type: application/octet-stream", "-H",
                "Envelope-Id: " + EnvelopeId.random().value(), "--data-binary", "@" + file, endpoint().toString());
        assertEquals("202", result.get(result.size() - 1));
        assertEquals(1, rows());
    }

    @Test
    void headerBlockOverTheLimitGets400() throws Exception {
        List<String> result = curl("-H", "X-Padding: " + "a".repeat(dev.liaison.gateway.transport.Limits.MAX_HEADER_BYTES),
                "-H", "Content-Type: application/octet-stream", "-H", "Envelope-Id: " + EnvelopeId.random().value(),
                "--data-binary", "x", endpoint().toString());
        assertEquals("400", result.get(result.size() - 1));
        assertEquals(0, rows());
    }

    @Test
    void wrongContentTypeGets415() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(endpoint()).header("Content-Type", "text/plain")
                .header("Envelope-Id", EnvelopeId.random().value())
                .POST(HttpRequest.BodyPublishers.ofString("hello")).build();
        assertEquals(415, client.send(request, HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(0, rows());
    }

    @Test
    void unknownPathGets404AndWrongMethodsGet405WithAllow() throws Exception {
        assertEquals(404, get("/communicator/v2/envelopes").statusCode());
        assertEquals(404, get("/").statusCode());
        HttpResponse<String> getEnvelopes = get(EnvelopeHttpHandler.ENVELOPES);
        assertEquals(405, getEnvelopes.statusCode());
        assertEquals("POST", getEnvelopes.headers().firstValue("Allow").orElseThrow());
        List<String> deleteWellKnown = curl("-X", "DELETE", base() + EnvelopeHttpHandler.WELL_KNOWN);
        assertEquals("405", deleteWellKnown.get(deleteWellKnown.size() - 1));
    }

    @Test
    void wellKnownDocumentDescribesTheServiceWithEscapedStrings() throws Exception {
        HttpResponse<String> response = get(EnvelopeHttpHandler.WELL_KNOWN);
        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("{\"service\":\"rs-test \\\"one\\\"\",\"endpoint\":\"https://127.0.0.1/communicator/v1/envelopes\","
                + "\"maxEnvelopeBytes\":4096,\"keys\":[{\"generation\":3,\"publicKey\":\"cHVibGljLTM\",\"current\":true,"
                + "\"validUntil\":\"2030-01-01T00:00:00Z\"},{\"generation\":2,\"publicKey\":\"cHVibGljLTI\","
                + "\"current\":false,\"validUntil\":\"2029-06-01T00:00:00Z\"}]}", response.body());
    }

    @Test
    void oneConnectionServesManyEnvelopesInTurn() throws Exception {
        for (int i = 0; i < 20; i++) {
            assertEquals(202, post(EnvelopeId.random().value(), envelope('R', 100 + i)).statusCode());
        }
        assertEquals(20, rows());
    }

    /**
     * All connections together hold at most the budget of envelope bytes: an upload whose declared
     * length finds it spent is answered 503 with Retry-After as soon as its head arrives, before its
     * body is sent, and stores nothing; the upload holding the bytes is stored, and once it is, the
     * refused one goes through when its sender retries.
     */
    /**
     * One client's connections are bounded (a quarter of {@link Limits#MAX_CONNECTIONS}): the next is
     * closed at once, before TLS, while another peer is served; a flood from one address cannot take
     * the process's file descriptors, and with them every listener.
     */
    @Test
    void oneClientHoldsAtMostItsShareOfConnectionsAndAnotherPeerIsStillServed() throws Exception {
        int share = dev.liaison.gateway.transport.Limits.MAX_CONNECTIONS / 4;
        java.util.List<java.net.Socket> held = new java.util.ArrayList<>();
        try {
            for (int i = 0; i <= share; i++) { // one more than the share
                java.net.Socket socket = new java.net.Socket("127.0.0.1", service.port());
                socket.setSoTimeout(5);
                held.add(socket);
            }
            // which one the server closes depends on the order its two event loops take them: count
            java.util.Set<java.net.Socket> closed = new java.util.HashSet<>();
            long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            for (int pass = 0; (closed.isEmpty() || pass < 2) && System.nanoTime() < until; pass = closed.isEmpty() ? 0 : pass + 1) {
                for (java.net.Socket socket : held) {
                    if (closed.contains(socket)) {
                        continue;
                    }
                    try {
                        if (socket.getInputStream().read() == -1) {
                            closed.add(socket);
                        }
                    } catch (java.net.SocketTimeoutException open) {
                        // still held by the server
                    } catch (java.io.IOException reset) {
                        closed.add(socket);
                    }
                }
            }
            assertEquals(1, closed.size(), "the connection over one address's share, and only it, is closed at once");
            try (SSLSocket other = open("127.0.0.2")) {
                other.getOutputStream().write(("GET " + EnvelopeHttpHandler.WELL_KNOWN + " HTTP/1.1\r\nHost: x\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                String answer = responseHead(other);
                assertTrue(answer.startsWith("HTTP/1.1 200"), "another peer is served: " + answer);
            }
        } finally {
            for (java.net.Socket s : held) {
                s.close();
            }
        }
        waitUntil(() -> {
            try (SSLSocket again = open()) {
                return true; // the closed connections were given back
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Test
    void aRequestWithoutOneHostOrOfAnotherHttpVersionIsRefused() throws Exception {
        for (String request : new String[] {"GET " + EnvelopeHttpHandler.WELL_KNOWN + " HTTP/1.1\r\n\r\n",
                "GET " + EnvelopeHttpHandler.WELL_KNOWN + " HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"}) {
            try (SSLSocket socket = open()) {
                socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
                String answer = responseHead(socket);
                assertTrue(answer.startsWith("HTTP/1.1 400"), "RFC 9112 section 3.2: " + answer);
            }
        }
        try (SSLSocket socket = open()) {
            socket.getOutputStream().write(("GET " + EnvelopeHttpHandler.WELL_KNOWN + " HTTP/9.9\r\nHost: a\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = responseHead(socket);
            assertTrue(answer.startsWith("HTTP/1.1 505") || answer.startsWith("HTTP/1.1 400"), answer);
        }
    }

    @Test
    void aPortInUseIsNamedWithTheKeyToChange() {
        ReceiverSettings taken = ReceiverSettings.https(InetAddress.getLoopbackAddress(), service.port(),
                tls.server().serverContext());
        var e = assertThrows(java.io.UncheckedIOException.class, () -> ReceivingService.start(db, taken, relay.relay()).close());
        assertTrue(e.getMessage().contains(":" + service.port() + " for the receiving service")
                && e.getMessage().contains("http.port"), e.getMessage());
    }

    @Test
    void uploadsBeyondTheReceiversBudgetGet503UntilTheBytesHeldAreStored() throws Exception {
        service.close();
        ReceiverSettings settings = ReceiverSettings.https(InetAddress.getLoopbackAddress(), 0, tls.server().serverContext())
                .withMaxEnvelopeBytes(MAX).withMaxBufferedBytes(MAX + 1000);
        service = ReceivingService.start(db, settings, relay.relay());
        byte[] first = envelope('R', MAX);
        byte[] second = envelope('R', MAX);
        EnvelopeId firstId = EnvelopeId.random();
        EnvelopeId secondId = EnvelopeId.random();
        try (SSLSocket holding = open(); SSLSocket refused = open("127.0.0.2")) { // another peer: the budget refuses, not a share
            OutputStream out = holding.getOutputStream();
            out.write(requestHead(firstId, first.length));
            out.write(first, 0, 3000); // held by the receiver until the rest arrives
            out.flush();
            waitUntil(() -> service.bufferedBytes() == MAX); // the receiver has read the head and taken its length

            refused.getOutputStream().write(requestHead(secondId, second.length)); // the head only: the answer comes first
            refused.getOutputStream().flush();
            String answer = responseHead(refused);
            assertTrue(answer.startsWith("HTTP/1.1 503"), answer);
            assertTrue(answer.toLowerCase(java.util.Locale.ROOT).contains("retry-after:"), answer);

            out.write(first, 3000, first.length - 3000);
            out.flush();
            String stored = responseHead(holding);
            assertTrue(stored.startsWith("HTTP/1.1 202"), stored);
        }
        assertEquals(1, rows(), "only the upload that held the bytes was stored");
        assertEquals(202, post(secondId.value(), second).statusCode(), "the budget is back once the first is stored");
        assertEquals(2, rows());
    }

    /**
     * One peer holds at most a quarter of the budget (here one envelope): its second upload is
     * refused while its first holds the bytes, and another peer (a second loopback address) is
     * served meanwhile.
     */
    @Test
    void onePeerHoldsAtMostItsShareOfTheBudgetAndOthersAreServedMeanwhile() throws Exception {
        service.close();
        ReceiverSettings settings = ReceiverSettings.https(InetAddress.getLoopbackAddress(), 0, tls.server().serverContext())
                .withMaxEnvelopeBytes(MAX).withMaxBufferedBytes(4L * MAX);
        service = ReceivingService.start(db, settings, relay.relay());
        byte[] first = envelope('R', MAX);
        try (SSLSocket holding = open(); SSLSocket second = open(); SSLSocket other = open("127.0.0.2")) {
            OutputStream out = holding.getOutputStream();
            out.write(requestHead(EnvelopeId.random(), first.length));
            out.write(first, 0, 3000);
            out.flush();
            waitUntil(() -> service.bufferedBytes() == MAX); // the receiver has read the head and taken its length

            second.getOutputStream().write(requestHead(EnvelopeId.random(), MAX));
            second.getOutputStream().flush();
            String refused = responseHead(second);
            assertTrue(refused.startsWith("HTTP/1.1 503"), "the same peer, over its share: " + refused);

            byte[] others = envelope('R', MAX);
            other.getOutputStream().write(requestHead(EnvelopeId.random(), others.length));
            other.getOutputStream().write(others);
            other.getOutputStream().flush();
            String served = responseHead(other);
            assertTrue(served.startsWith("HTTP/1.1 202"), "another peer, within the budget: " + served);

            out.write(first, 3000, first.length - 3000);
            out.flush();
            assertTrue(responseHead(holding).startsWith("HTTP/1.1 202"));
        }
        assertEquals(2, rows());
    }

    /**
     * An upload that falls behind the pace is cut off and its bytes go back: a peer that trickles
     * its body cannot hold the budget. Here it holds all of it until it is cut off.
     */
    @Test
    void anUploadSlowerThanThePaceIsCutOffAndItsBytesGoBack() throws Exception {
        service.close();
        java.util.List<ReceivingEvents.Reception> reported = new java.util.concurrent.CopyOnWriteArrayList<>();
        ReceiverSettings settings = ReceiverSettings.https(InetAddress.getLoopbackAddress(), 0, tls.server().serverContext())
                .withMaxEnvelopeBytes(MAX).withMaxBufferedBytes(MAX + 1000)
                .withUploadPace(new ArrivalPace(1000, Duration.ofSeconds(1)))
                .withEvents(new ReceivingEvents() {
                    @Override
                    public void received(Reception reception) {
                        reported.add(reception);
                    }
                });
        service = ReceivingService.start(db, settings, relay.relay());
        try (SSLSocket slow = open(); SSLSocket other = open("127.0.0.2")) {
            slow.getOutputStream().write(requestHead(EnvelopeId.random(), MAX));
            slow.getOutputStream().write(new byte[100]); // and then nothing, well within the idle timeout
            slow.getOutputStream().flush();
            waitUntil(() -> service.bufferedBytes() == MAX); // the receiver has read the head and taken its length
            other.getOutputStream().write(requestHead(EnvelopeId.random(), MAX));
            other.getOutputStream().flush();
            String busy = responseHead(other);
            assertTrue(busy.startsWith("HTTP/1.1 503"), "another peer, while the slow upload holds the budget: " + busy);
            long started = System.nanoTime();
            assertEquals(-1, slow.getInputStream().read(), "cut off: closed without an answer");
            assertTrue(System.nanoTime() - started < Duration.ofSeconds(10).toNanos());
        }
        assertEquals(202, post(EnvelopeId.random().value(), envelope('R', MAX)).statusCode(), "its bytes went back");
        assertEquals(1, rows());
        assertEquals(java.util.List.of(ReceivingEvents.Reception.BUSY, ReceivingEvents.Reception.CUT_OFF),
                reported.subList(0, 2), "reported for the metrics: " + reported);
    }

    /** A chunked body whose framing breaks is refused as such, not taken for a complete envelope. */
    @Test
    void aChunkedBodyWithAMalformedChunkIsRefusedAndNothingStored() throws Exception {
        byte[] valid = envelope('R', 2000);
        try (SSLSocket socket = open()) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + EnvelopeHttpHandler.ENVELOPES + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/octet-stream\r\nEnvelope-Id: " + EnvelopeId.random().value() + "\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(valid.length) + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(valid);
            out.write("\r\nzz\r\n".getBytes(StandardCharsets.US_ASCII)); // not a chunk size
            out.flush();
            String answer = responseHead(socket);
            assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
        }
        assertEquals(0, rows());
    }

    private SSLSocket open() throws Exception {
        return open(null);
    }

    /** A TLS connection to the service, from {@code localAddress} (a loopback address) if given. */
    private SSLSocket open(String localAddress) throws Exception {
        SSLSocket socket = (SSLSocket) (localAddress == null
                ? tls.clientContext().getSocketFactory().createSocket("127.0.0.1", service.port())
                : tls.clientContext().getSocketFactory().createSocket(InetAddress.getByName("127.0.0.1"), service.port(),
                        InetAddress.getByName(localAddress), 0));
        socket.setSoTimeout(20_000);
        socket.startHandshake();
        return socket;
    }

    /** The status line and header fields of the next response, up to the empty line. */
    private static String responseHead(SSLSocket socket) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
        StringBuilder head = new StringBuilder();
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
            head.append(line).append('\n');
        }
        return head.toString();
    }

    private static byte[] requestHead(EnvelopeId id, int length) {
        return ("POST " + EnvelopeHttpHandler.ENVELOPES + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/octet-stream\r\nEnvelope-Id: " + id.value() + "\r\n"
                + "Content-Length: " + length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    // --- helpers -------------------------------------------------------------------------------

    private URI endpoint() {
        return URI.create(base() + EnvelopeHttpHandler.ENVELOPES);
    }

    private String base() {
        return "https://127.0.0.1:" + service.port();
    }

    private HttpResponse<String> post(String id, byte[] body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(endpoint()).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/octet-stream")
                .header("Envelope-Id", id).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> postUnchecked(EnvelopeId id, byte[] body) {
        try {
            return post(id.value(), body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(20)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Runs curl trusting the test certificate; the last line is the HTTP status. */
    private List<String> curl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20", "--cacert", tls.certificatePem().toString(),
                "-o", "/dev/null", "-w", "\n%{http_code}"));
        command.addAll(Arrays.asList(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        process.waitFor();
        return List.of(output.split("\n"));
    }

    static byte[] envelope(char kind, int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i * 31 + 7);
        }
        if (size > 0) {
            bytes[0] = (byte) kind;
        }
        return bytes;
    }

    private int rows() {
        return db.inTransaction(c -> {
            try (var s = c.createStatement(); var rs = s.executeQuery("SELECT count(*) FROM transport.inbound")) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    private InboundStatus status(EnvelopeId id) {
        return db.inTransaction(c -> new InboundStore(java.time.Clock.systemUTC()).status(c, id)).orElseThrow();
    }

    static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached within 20 s");
            }
            Thread.sleep(10);
        }
    }
}
