package dev.liaison.gateway.transport.send;

import dev.liaison.gateway.transport.EnvelopeBytes;
import dev.liaison.gateway.transport.EnvelopeId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The poster's keep-alive: envelopes to one receiver share a connection, and one the receiver has
 * closed in the meantime (its idle timeout) costs no failed delivery. Against a bare HTTP/1.1
 * server on a loopback socket that counts connections and requests, so the reuse is observed on
 * the wire rather than inferred.
 */
class KeptConnectionTest {

    private final WireReceiver receiver = new WireReceiver();

    @AfterEach
    void stop() throws IOException {
        receiver.close();
    }

    @Test
    void envelopesToOneReceiverShareOneConnectionAndArriveWithTheirLengthBufferedOrStreamed() throws Exception {
        EnvelopePoster poster = new EnvelopePoster(SSLContext.getDefault());
        List<ClaimedEnvelope> sent = new ArrayList<>();
        int[] sizes = {16 * 1024, 16 * 1024 + 1, EnvelopePoster.STREAMED_ABOVE, EnvelopePoster.STREAMED_ABOVE + 1};
        for (int size : sizes) { // buffered, and (the last) streamed
            ClaimedEnvelope e = envelope(size);
            sent.add(e);
            assertInstanceOf(DeliveryOutcome.Delivered.class, poster.post(e));
        }
        assertEquals(1, receiver.connections.get(), "one connection, kept alive between the POSTs");
        for (ClaimedEnvelope e : sent) {
            WireReceiver.Request r = receiver.requests.get(e.id().value());
            assertEquals(String.valueOf(e.envelope().size()), r.headers().get("content-length"));
            assertEquals(null, r.headers().get("transfer-encoding"), "a length, not chunks");
            assertArrayEquals(e.envelope().sharedArray(), r.body());
        }
    }

    @Test
    void aConnectionTheReceiverClosedMeanwhileCostsNoFailedDelivery() throws Exception {
        EnvelopePoster poster = new EnvelopePoster(SSLContext.getDefault());
        receiver.closeAfterAnswer = true; // as the receiving service does with a connection idle too long
        assertInstanceOf(DeliveryOutcome.Delivered.class, poster.post(envelope(100)));
        assertTrue(receiver.closed.await(10, TimeUnit.SECONDS), "the receiver closed the kept connection");

        ClaimedEnvelope second = envelope(200);
        DeliveryOutcome outcome = poster.post(second);

        assertInstanceOf(DeliveryOutcome.Delivered.class, outcome, "delivered at the first attempt: " + outcome);
        assertEquals(2, receiver.connections.get(), "sent again on a fresh connection");
        assertEquals(1, receiver.counts.get(second.id().value()).get(), "and received once");
    }

    private ClaimedEnvelope envelope(int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i * 31 + size);
        }
        return new ClaimedEnvelope(1, UUID.randomUUID(), EnvelopeId.random(), receiver.endpoint(),
                EnvelopeBytes.copyOf(bytes), 1, Instant.now().plusSeconds(60));
    }

    /** HTTP/1.1 on a plain socket: answers every POST 202 with keep-alive, or closes after the first answer. */
    private static final class WireReceiver implements AutoCloseable {

        record Request(Map<String, String> headers, byte[] body) {
        }

        final AtomicInteger connections = new AtomicInteger();
        final Map<String, Request> requests = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
        final CountDownLatch closed = new CountDownLatch(1);
        volatile boolean closeAfterAnswer;
        private final ServerSocket server;
        private final List<Socket> open = new CopyOnWriteArrayList<>();

        WireReceiver() {
            try {
                server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            daemon("wire-receiver", this::accept);
        }

        private static void daemon(String name, Runnable task) {
            Thread t = new Thread(task, name);
            t.setDaemon(true);
            t.start();
        }

        URI endpoint() {
            return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/communicator/v1/envelopes");
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    connections.incrementAndGet();
                    open.add(s);
                    daemon("wire-receiver-connection", () -> serve(s));
                } catch (IOException e) {
                    return; // closed
                }
            }
        }

        private void serve(Socket s) {
            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                while (true) {
                    Map<String, String> headers = headers(in);
                    if (headers == null) {
                        return; // the client closed it
                    }
                    byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
                    String id = headers.get("envelope-id");
                    requests.put(id, new Request(headers, body));
                    counts.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                    out.write("HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    if (closeAfterAnswer) {
                        s.close();
                        closed.countDown();
                        return;
                    }
                }
            } catch (IOException e) {
                // the connection ended; the test reads what arrived
            }
        }

        /** The request line and headers (names in lower case); null at end of stream. */
        private static Map<String, String> headers(InputStream in) throws IOException {
            Map<String, String> headers = new ConcurrentHashMap<>();
            String line = line(in);
            if (line == null) {
                return null;
            }
            while ((line = line(in)) != null && !line.isEmpty()) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
            }
            return headers;
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) != '\n') {
                if (c < 0) {
                    return b.size() == 0 ? null : b.toString(StandardCharsets.US_ASCII);
                }
                if (c != '\r') {
                    b.write(c);
                }
            }
            return b.toString(StandardCharsets.US_ASCII);
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : open) {
                s.close();
            }
        }
    }
}
