package dev.liaison.gateway.transport;

import dev.liaison.gateway.transport.receive.EnvelopeAcceptor;
import dev.liaison.gateway.transport.receive.InboundProcessor;
import dev.liaison.gateway.transport.receive.ReceiverSettings;
import dev.liaison.gateway.transport.receive.ReceivingService;
import dev.liaison.gateway.transport.receive.ServiceDescription;
import dev.liaison.gateway.transport.send.DeliverySettings;
import dev.liaison.gateway.transport.send.DeliveryWorker;
import dev.liaison.gateway.transport.send.EnvelopePoster;
import dev.liaison.gateway.transport.send.OutboundEnvelope;
import dev.liaison.gateway.transport.send.OutboundQueue;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.TestPostgres;

import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A measurement, not a test (docs/transport.md has the command and numbers): two databases on
 * the embedded PostgreSQL, a delivery worker and an HTTPS receiving service on loopback.
 * Latency: commit of an enqueue until the receiver sees the POST, and until the stored envelope
 * reaches the inbound processor (one envelope at a time). Throughput: a burst enqueued in
 * transactions of 100 until the last is processed.
 */
public final class TransportLatencyCheck {

    private static final Map<String, CompletableFuture<Long>> ARRIVED = new ConcurrentHashMap<>();
    private static final Map<String, CompletableFuture<Long>> PROCESSED = new ConcurrentHashMap<>();

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int burst = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
        int size = args.length > 2 ? Integer.parseInt(args[2]) : 4096;
        try (Database sender = TestPostgres.EMBEDDED.freshDatabase(); Database receiver = TestPostgres.EMBEDDED.freshDatabase()) {
            sender.migrate(TransportSchema.SCHEMA);
            receiver.migrate(TransportSchema.SCHEMA);
            TestTls tls = TestTls.generate(Files.createTempDirectory("liaison-bench-tls"));
            EnvelopeAcceptor acceptor = (c, e, p) -> {
                ARRIVED.computeIfAbsent(idIn(e), k -> new CompletableFuture<>()).complete(System.nanoTime());
                return new EnvelopeAcceptor.Resolved(1);
            };
            InboundProcessor processor = (c, e) -> {
                PROCESSED.computeIfAbsent(e.id().value(), k -> new CompletableFuture<>()).complete(System.nanoTime());
                return new InboundProcessor.Done();
            };
            var description = new ServiceDescription("bench", URI.create("https://127.0.0.1/"), List.of(), 65536);
            try (ReceivingService rs = ReceivingService.start(receiver, ReceiverSettings.https(
                         InetAddress.getLoopbackAddress(), 0, tls.server().serverContext()),
                    new ReceivingService.Relay(() -> description, acceptor, processor));
                 DeliveryWorker worker = DeliveryWorker.start(sender, DeliverySettings.defaults(),
                         new EnvelopePoster(tls.clientContext()), (c, e) -> { })) {
                URI endpoint = URI.create("https://127.0.0.1:" + rs.port() + "/communicator/v1/envelopes");
                OutboundQueue queue = new OutboundQueue(DeliverySettings.defaults());
                latency(sender, queue, endpoint, 200, size); // warm-up: JIT, TLS session, pools
                latency(sender, queue, endpoint, rounds, size);
                throughput(sender, queue, endpoint, burst, size);
            }
        }
        System.exit(0);
    }

    /** The acceptor sees bytes, not ids: the benchmark envelope starts with its own id. */
    private static EnvelopeBytes envelope(EnvelopeId id, int size) {
        byte[] bytes = new byte[size];
        byte[] idBytes = id.value().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(idBytes, 0, bytes, 0, idBytes.length);
        return EnvelopeBytes.adopt(bytes);
    }

    private static String idIn(EnvelopeBytes envelope) {
        return new String(envelope.sharedArray(), 0, 22, java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static void latency(Database db, OutboundQueue queue, URI endpoint, int rounds, int size) throws Exception {
        long[] toArrival = new long[rounds];
        long[] toProcessed = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            EnvelopeId id = EnvelopeId.random();
            var arrived = ARRIVED.computeIfAbsent(id.value(), k -> new CompletableFuture<>());
            var processed = PROCESSED.computeIfAbsent(id.value(), k -> new CompletableFuture<>());
            db.inTransaction(c -> queue.enqueue(c, new OutboundEnvelope(id, endpoint, envelope(id, size))));
            long committed = System.nanoTime();
            toProcessed[i] = processed.get(10, TimeUnit.SECONDS) - committed;
            toArrival[i] = arrived.get() - committed;
        }
        report("commit -> POST at receiver (" + rounds + " sequential, " + size + " B)", toArrival);
        report("commit -> inbound processor (" + rounds + " sequential, " + size + " B)", toProcessed);
    }

    private static void throughput(Database db, OutboundQueue queue, URI endpoint, int count, int size) throws Exception {
        List<CompletableFuture<Long>> all = new java.util.ArrayList<>();
        long start = System.nanoTime();
        for (int batch = 0; batch < count / 100; batch++) {
            db.inTransaction(c -> {
                for (int i = 0; i < 100; i++) {
                    EnvelopeId id = EnvelopeId.random();
                    all.add(PROCESSED.computeIfAbsent(id.value(), k -> new CompletableFuture<>()));
                    queue.enqueue(c, new OutboundEnvelope(id, endpoint, envelope(id, size)));
                }
                return null;
            });
        }
        long enqueued = System.nanoTime();
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
        long end = System.nanoTime();
        System.out.printf("burst of %d x %d B: enqueued in %.0f ms, all processed after %.0f ms: %.0f envelopes/s%n",
                all.size(), size, (enqueued - start) / 1e6, (end - start) / 1e6, all.size() / ((end - start) / 1e9));
    }

    private static void report(String what, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf("%s: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms%n", what,
                sorted[sorted.length / 2] / 1e6, sorted[sorted.length * 9 / 10] / 1e6,
                sorted[sorted.length * 99 / 100] / 1e6, sorted[sorted.length - 1] / 1e6);
    }

    private TransportLatencyCheck() {
    }
}
