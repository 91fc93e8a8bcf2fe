package dev.liaison.gateway.transport.send;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bare receiver on a real loopback socket that counts every POST per Envelope-Id (the real
 * receiver deduplicates, which would hide a double send) and can hold requests open to observe
 * how many a sender keeps in flight.
 */
final class CountingReceiver implements AutoCloseable {

    final Map<String, AtomicInteger> posts = new ConcurrentHashMap<>();
    /** Envelope-Ids in the order their POSTs arrived. */
    final List<String> order = new CopyOnWriteArrayList<>();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    private final Semaphore gate;
    private final HttpServer server;

    CountingReceiver(boolean holdRequests) throws IOException {
        gate = new Semaphore(holdRequests ? 0 : Integer.MAX_VALUE / 2);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/communicator/v1/envelopes", exchange -> {
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            boolean counted = true;
            try {
                exchange.getRequestBody().readAllBytes();
                String id = exchange.getRequestHeaders().getFirst("Envelope-Id");
                order.add(id);
                posts.computeIfAbsent(id, any -> new AtomicInteger()).incrementAndGet();
                gate.acquireUninterruptibly();
                // no longer in flight once answered: the sender may POST its next envelope as soon as
                // it has the 202, possibly before this handler has returned
                inFlight.decrementAndGet();
                counted = false;
                exchange.sendResponseHeaders(202, -1);
            } finally {
                if (counted) {
                    inFlight.decrementAndGet();
                }
                exchange.close();
            }
        });
        server.start();
    }

    /** Lets {@code n} held requests complete. */
    void release(int n) {
        gate.release(n);
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/communicator/v1/envelopes");
    }

    int totalPosts() {
        return posts.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    @Override
    public void close() {
        gate.release(Integer.MAX_VALUE / 4);
        server.stop(0);
    }
}
