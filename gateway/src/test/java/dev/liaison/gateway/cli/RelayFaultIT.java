package dev.liaison.gateway.cli;

import dev.liaison.mapping.database.DatabaseLocation;
import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two gateways as real processes while alex at A writes to blair at B in a steady stream: A is
 * killed with SIGKILL at a random moment and restarted, then B, then B's database (B runs the
 * embedded PostgreSQL, whose postmaster the test may kill and B restarts by itself; A runs on the
 * external test server, which is not the test's to kill); then B's database turns read-only for a while; then B is
 * stopped until A has failed three times to deliver to it, and started again. Afterwards every
 * message that got a {@code 250} is in blair's INBOX exactly once, nothing is there twice (not
 * even a message whose {@code 250} a crash cut off), nothing was quarantined, and the
 * relationship still carries mail both ways.
 *
 * <p>No order is asserted: the protocol promises none (A posts up to four envelopes to B at once,
 * and retries reorder). The counts, arrivals out of submission order among them, go to stdout.
 */
class RelayFaultIT {

    /** Bounded wait for the last deliveries (a retry in backoff after the outage, at worst). */
    private static final Duration DELIVERY_LIMIT = Duration.ofSeconds(180);
    /** Messages acknowledged between two faults: the stream runs a while against each state. */
    private static final int STEADY = 5;
    private static final long STARTED = System.nanoTime();

    @TempDir
    Path work;
    private GatewayNode a;
    private GatewayNode b;
    private TransportTable aOutbound;
    private String blairAtA;
    private String alexAtB;
    private final List<String> events = new ArrayList<>();

    @BeforeEach
    void twoConnectedGateways() throws Exception {
        Path bundle = work.resolve("peers.pem");
        List<TestPostgres> kinds = TestPostgres.available();
        DatabaseLocation.External aDatabase = kinds.get(kinds.size() - 1).freshLocation();
        a = new GatewayNode(work.resolve("a"), "alex.test", Optional.of(aDatabase), bundle);
        b = new GatewayNode(work.resolve("b"), "blair.test", Optional.empty(), bundle);
        Files.writeString(bundle, Files.readString(a.certificateFile()) + Files.readString(b.certificateFile()));
        aOutbound = new TransportTable(aDatabase, "outbound");
        a.launch(); // both at once: on two cores a gateway takes seconds to start
        b.launch();
        a.awaitServing();
        b.awaitServing();
        Process alex = a.admin().start("pw-of-alex\n", "user", "add", "alex", "--password-stdin");
        Process blair = b.admin().start("pw-blair\n", "user", "add", "blair", "--password-stdin");
        for (var added : List.of(a.admin().finish(alex), b.admin().finish(blair))) {
            assertEquals(0, added.exitCode(), added.toString());
        }
        connect();
        log("gateways connected");
    }

    @AfterEach
    void stopBoth() {
        for (GatewayNode node : new GatewayNode[]{a, b}) {
            if (node != null) {
                node.stopQuietly();
                node.keepLog("RelayFaultIT");
            }
        }
    }

    @Test
    void everyAcknowledgedMessageArrivesExactlyOnceThroughCrashesOfSenderReceiverAndDatabaseAndAnOutage() throws Exception {
        String run = "fault-" + Long.toHexString(System.nanoTime());
        SubmissionStream stream = new SubmissionStream(a.mail(),
                new SubmissionStream.Route("alex", "pw-of-alex", "alex@alex.test", blairAtA), run);
        Set<String> duringOutage;
        try {
            // The sender first: what it had claimed when killed, it takes back when it starts again.
            stream.awaitAcknowledged(STEADY, 60);
            crash("sender A", a, stream);
            stream.awaitAcknowledged(STEADY, 60);
            crash("receiver B", b, stream);
            stream.awaitAcknowledged(STEADY, 60);
            killDatabase(stream);
            stream.awaitAcknowledged(STEADY, 60);
            readOnlyDatabase(stream);
            stream.awaitAcknowledged(STEADY, 60);
            duringOutage = outage(stream);
            stream.awaitAcknowledged(STEADY, 60);
        } finally {
            stream.close();
        }
        log("stream stopped; waiting for the last deliveries");
        Map<String, Integer> delivered = awaitDelivered(stream.acknowledged(), run);
        log("every acknowledged message delivered");
        report(stream, delivered, b.mail().inbox("blair", "pw-blair", s -> s.startsWith(run + "-")), duringOutage);

        assertExactlyOnce(stream, delivered, duringOutage);
        assertEquals(Map.of("delivered", aOutbound.count("true")), aOutbound.states(),
                "A gave up on nothing (no rejected or expired envelope)");
        assertRelationshipWorksBothWays(run);
        for (GatewayNode node : List.of(a, b)) {
            var quarantine = node.admin().run("quarantine", "list", "--json");
            assertEquals("[]", quarantine.stdout().strip(), "no envelope failed to open at " + node.domain() + ": " + quarantine);
        }
    }

    /** Kills the node at a random moment of the stream and starts it again. */
    private void crash(String what, GatewayNode node, SubmissionStream stream) throws Exception {
        randomPause();
        event("SIGKILL " + what + " after " + stream.acknowledgedCount() + " acknowledged");
        node.kill();
        if (node == a) { // claimed by the dead process: nobody sends them before the lease ends
            event(aOutbound.count("state = 'pending' AND leased_until > now()") + " of A's envelopes left in a claim"
                    + " lease (taken back when A starts again)");
        }
        node.start();
    }

    /**
     * Kills B's postmaster; B, still running, restarts it on the same port (crash recovery replays
     * the WAL) and carries on without being restarted itself; A's deliveries refused meanwhile are
     * retried.
     */
    private void killDatabase(SubmissionStream stream) throws Exception {
        randomPause();
        long pid = b.postmasterPid();
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("no postmaster " + pid));
        long refusedBefore = aOutbound.count("last_error IS NOT NULL");
        event("SIGKILL B's PostgreSQL after " + stream.acknowledgedCount() + " acknowledged");
        postmaster.destroyForcibly();
        postmaster.onExit().get(30, TimeUnit.SECONDS);
        awaitTrue("B restarts its own PostgreSQL", () -> {
            try {
                long now = b.postmasterPid();
                return now != pid && ProcessHandle.of(now).isPresent();
            } catch (IOException | RuntimeException e) {
                return false; // no postmaster.pid while it starts
            }
        }, Duration.ofSeconds(90));
        stream.awaitAcknowledged(3, 60);
        event("B restarted its PostgreSQL by itself; A's deliveries refused meanwhile: "
                + (aOutbound.count("last_error IS NOT NULL") - refusedBefore));
    }

    /**
     * B's database turns read-only under the running gateway (as a full disk or a failover to a
     * standby does): B must refuse envelopes (503, nothing stored, so A retries) and not quarantine
     * or lose anything; then it is made writable again.
     */
    private void readOnlyDatabase(SubmissionStream stream) throws Exception {
        randomPause();
        long refusedBefore = aOutbound.count("last_error IS NOT NULL");
        event("B's database read-only after " + stream.acknowledgedCount() + " acknowledged");
        setReadOnly(b.embeddedDatabase(), true);
        stream.awaitAcknowledged(3, 60);
        awaitTrue("A retries a delivery refused while B's database is read-only",
                () -> aOutbound.count("last_error IS NOT NULL") > refusedBefore, Duration.ofSeconds(60));
        setReadOnly(b.embeddedDatabase(), false);
        event("A's delivery refused (B's database is read-only); B's database writable again");
    }

    /** Every transaction of every session read-only from its next statement on (a configuration reload). */
    private static void setReadOnly(DatabaseLocation.External database, boolean readOnly) throws Exception {
        try (var c = TransportTable.connectWhenStarted(database); var s = c.createStatement()) {
            s.execute("SET default_transaction_read_only = off"); // this session must still write the setting
            s.execute(readOnly ? "ALTER SYSTEM SET default_transaction_read_only = on"
                    : "ALTER SYSTEM RESET default_transaction_read_only");
            s.execute("SELECT pg_reload_conf()");
        }
    }

    /**
     * B stopped until A has tried its oldest waiting envelope three times, with envelopes queued
     * meanwhile waiting behind it (a destination backs off as a whole and is retried oldest first:
     * docs/transport.md, "Order"); returns the mail acknowledged meanwhile.
     */
    private Set<String> outage(SubmissionStream stream) throws Exception {
        Set<String> before = stream.acknowledged();
        long lastBefore = aOutbound.lastId();
        event("B stopped after " + before.size() + " acknowledged");
        b.stop();
        stream.awaitAcknowledged(3, 60);
        awaitTrue("the oldest waiting envelope is tried three times, those queued during the outage behind it",
                () -> aOutbound.count("state = 'pending' AND id > " + lastBefore) > 0
                        && aOutbound.count("state = 'pending' AND attempts >= 3 AND id = (SELECT min(id)"
                        + " FROM transport.outbound WHERE state = 'pending')") > 0,
                Duration.ofSeconds(90));
        Set<String> during = new HashSet<>(stream.acknowledged());
        during.removeAll(before);
        event("B started again after A tried its oldest waiting envelope 3 times (" + during.size()
                + " acknowledged meanwhile)");
        b.start();
        return during;
    }

    /** Waits until every acknowledged subject arrived and A has nothing left to send, then until the INBOX is stable. */
    private Map<String, Integer> awaitDelivered(Set<String> acknowledged, String run) throws Exception {
        long deadline = System.nanoTime() + DELIVERY_LIMIT.toNanos();
        Map<String, Integer> seen = Map.of();
        while (System.nanoTime() < deadline) {
            seen = b.mail().inboxSubjects("blair", "pw-blair", s -> s.startsWith(run + "-"));
            if (seen.keySet().containsAll(acknowledged) && aOutbound.count("state = 'pending'") == 0) {
                Map<String, Integer> before;
                do { // B may still be opening the last envelopes A handed over
                    Thread.sleep(1000);
                    before = seen;
                    seen = b.mail().inboxSubjects("blair", "pw-blair", s -> s.startsWith(run + "-"));
                } while (!seen.equals(before) && System.nanoTime() < deadline);
                return seen;
            }
            Thread.sleep(1000);
        }
        Map<String, Integer> last = seen;
        List<String> missing = acknowledged.stream().filter(s -> !last.containsKey(s)).sorted().toList();
        throw new AssertionError(missing.size() + " acknowledged messages not delivered within " + DELIVERY_LIMIT + ": "
                + missing + "; A's outbound queue: " + aOutbound.states() + ", B's inbound store: "
                + new TransportTable(b.embeddedDatabase(), "inbound").states());
    }

    private static void assertExactlyOnce(SubmissionStream stream, Map<String, Integer> delivered, Set<String> duringOutage) {
        List<String> attempted = stream.attempted();
        for (String subject : stream.acknowledged()) {
            assertEquals(1, delivered.getOrDefault(subject, 0), subject + " got a 250: delivered exactly once");
        }
        for (var e : delivered.entrySet()) {
            assertTrue(attempted.contains(e.getKey()), "delivered but never submitted: " + e.getKey());
            assertEquals(1, e.getValue(), e.getKey() + " delivered more than once");
        }
        assertTrue(duringOutage.size() >= 3 && delivered.keySet().containsAll(duringOutage),
                "the mail acknowledged while B was down arrived: " + duringOutage);
    }

    private void assertRelationshipWorksBothWays(String run) throws Exception {
        a.mail().send("alex", "pw-of-alex", "alex@alex.test", blairAtA, run + " afterwards, a to b");
        assertEquals(1, b.mail().awaitSubject("blair", "pw-blair", run + " afterwards, a to b", Duration.ofSeconds(60)));
        b.mail().send("blair", "pw-blair", "blair@blair.test", alexAtB, run + " afterwards, b to a");
        assertEquals(1, a.mail().awaitSubject("alex", "pw-of-alex", run + " afterwards, b to a", Duration.ofSeconds(60)),
                "the ratchet still works the other way");
    }

    private void report(SubmissionStream stream, Map<String, Integer> delivered, List<String> arrivals,
                        Set<String> duringOutage) throws Exception {
        Set<String> acknowledged = stream.acknowledged();
        long withoutAck = delivered.keySet().stream().filter(s -> !acknowledged.contains(s)).count();
        int duplicates = delivered.values().stream().mapToInt(n -> n - 1).sum();
        int outOfOrder = 0;
        for (int i = 1; i < arrivals.size(); i++) {
            if (sequence(arrivals.get(i)) < sequence(arrivals.get(i - 1))) {
                outOfOrder++;
            }
        }
        System.out.println("RelayFaultIT faults: " + String.join("; ", events));
        System.out.printf("RelayFaultIT counts: sent %d, acknowledged (250) %d, failed or cut off %d, delivered %d"
                        + " (of them without a 250: %d), duplicates %d, acknowledged during B's outage %d,"
                        + " arrivals after a later message %d, A's envelopes tried more than once %d%n",
                stream.attempted().size(), acknowledged.size(), stream.failures(), delivered.size(), withoutAck, duplicates,
                duringOutage.size(), outOfOrder, aOutbound.count("attempts > 1"));
    }

    private static int sequence(String subject) {
        return Integer.parseInt(subject.substring(subject.lastIndexOf('-') + 1));
    }

    /** Establishes the relationship with the admin CLI: invite create at A, invite accept at B. */
    private void connect() throws Exception {
        var created = a.admin().run("invite", "create", "--user", "alex", "--json");
        assertEquals(0, created.exitCode(), created.toString());
        Matcher token = Pattern.compile("\"token\":\"([A-Za-z0-9_-]+)\"").matcher(created.stdout());
        assertTrue(token.find(), created.stdout());
        var accepted = b.admin().run("invite", "accept", "--user", "blair", token.group(1));
        assertEquals(0, accepted.exitCode(), accepted.toString());
        alexAtB = accepted.stdout().strip();
        Pattern active = Pattern.compile("\"state\": \"active\", \"alias\": \"([^\"]+)\"");
        awaitTrue("alex's side of the relationship becomes active", () -> {
            Matcher m = active.matcher(a.admin().run("relationship", "list", "--user", "alex", "--json").stdout());
            blairAtA = m.find() ? m.group(1) : null;
            return blairAtA != null;
        }, Duration.ofSeconds(60));
    }

    private void event(String event) {
        events.add(event);
        log(event);
    }

    /** Progress on stdout, with the seconds since the test class was loaded. */
    private static void log(String what) {
        System.out.printf("RelayFaultIT [%5.1f s] %s%n", (System.nanoTime() - STARTED) / 1e9, what);
    }

    private static void randomPause() throws InterruptedException {
        Thread.sleep(ThreadLocalRandom.current().nextLong(0, 1500));
    }

    /** A condition the test waits for. */
    @FunctionalInterface
    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void awaitTrue(String what, Condition condition, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + limit + ": " + what);
            }
            Thread.sleep(250);
        }
    }
}
