package dev.liaison.gateway.cli;

import dev.liaison.gateway.config.TlsSource;
import dev.liaison.gateway.tls.TlsMaterial;
import dev.liaison.mapping.database.DatabaseLocation;
import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two gateways as real processes while alex at A writes to blair at B in a steady stream: A is
 * killed with SIGKILL at a random moment and restarted, then B, then B's database (B runs the
 * embedded PostgreSQL, whose postmaster the test can kill; A runs on the external test server,
 * which is not the test's to kill); then B is stopped for longer than a few of A's retries and
 * started again. Afterwards every message that got a {@code 250} is in blair's INBOX exactly
 * once, nothing is there twice (not even a message whose {@code 250} was lost in a crash),
 * nothing was quarantined, and the relationship still carries mail both ways.
 *
 * <p>No order is asserted: the protocol promises none (A posts up to four envelopes to B at once,
 * and retries reorder). The counts, including arrivals out of submission order, are printed.
 */
class RelayFaultIT {

    /**
     * Bounded wait for the last deliveries: an envelope whose POST a killed sender had claimed
     * waits out its claim lease (2 minutes, transport.Limits.CLAIM_LEASE), then a retry.
     */
    private static final Duration DELIVERY_LIMIT = Duration.ofSeconds(180);
    private static final int STEADY = 8;

    @TempDir
    Path work;

    @Test
    void everyAcknowledgedMessageArrivesExactlyOnceThroughCrashesOfSenderReceiverAndDatabaseAndAnOutage() throws Exception {
        Path bundle = work.resolve("peers.pem");
        List<TestPostgres> kinds = TestPostgres.available();
        DatabaseLocation.External aDatabase = kinds.get(kinds.size() - 1).freshLocation();
        Node a = new Node(work.resolve("a"), "alex.test", Optional.of(aDatabase), bundle);
        Node b = new Node(work.resolve("b"), "blair.test", Optional.empty(), bundle);
        Files.writeString(bundle, a.certificate() + b.certificate());
        String run = "fault-" + Long.toHexString(System.nanoTime());
        List<String> events = new ArrayList<>();
        try {
            a.start();
            b.start();
            a.addUser("alex", "pw-alex");
            b.addUser("blair", "pw-blair");
            String[] aliases = connect(a, b);
            String blairAtA = aliases[0];
            String alexAtB = aliases[1];
            Queue queue = new Queue(aDatabase, "outbound");

            log("gateways connected; stream starts");
            SubmissionStream stream = new SubmissionStream(a.mail(),
                    new SubmissionStream.Route("alex", "pw-alex", "alex@alex.test", blairAtA), run);
            Set<String> duringOutage;
            try {
                stream.awaitAcknowledged(STEADY, 60);
                events.add(crash("sender A", a, stream));
                stream.awaitAcknowledged(STEADY, 60);
                events.add(crash("receiver B", b, stream));
                stream.awaitAcknowledged(STEADY, 60);
                events.add(killDatabase(b, queue, stream));
                stream.awaitAcknowledged(STEADY, 60);
                duringOutage = outage(b, queue, stream, events);
                stream.awaitAcknowledged(STEADY, 60);
            } finally {
                stream.close();
            }
            log("stream stopped; waiting for the last deliveries");
            Map<String, Integer> delivered = awaitDelivered(b, stream.acknowledged(), queue, run);
            report(stream, delivered, b.mail().inbox("blair", "pw-blair", s -> s.startsWith(run + "-")), duringOutage, events);
            assertExactlyOnce(stream, delivered, duringOutage);
            assertEquals(Map.of("delivered", queue.count("true")), queue.states(),
                    "A gave up on nothing (no rejected or expired envelope)");

            a.mail().send("alex", "pw-alex", "alex@alex.test", blairAtA, run + " after the faults, a to b");
            assertEquals(1, b.mail().awaitSubject("blair", "pw-blair", run + " after the faults, a to b", Duration.ofSeconds(60)));
            b.mail().send("blair", "pw-blair", "blair@blair.test", alexAtB, run + " after the faults, b to a");
            assertEquals(1, a.mail().awaitSubject("alex", "pw-alex", run + " after the faults, b to a", Duration.ofSeconds(60)),
                    "the ratchet still works the other way");
            for (Node node : List.of(a, b)) {
                var quarantine = node.admin().run("quarantine", "list", "--json");
                assertEquals("[]", quarantine.stdout().strip(), "no envelope failed to open at " + node.domain() + ": " + quarantine);
            }
        } finally {
            a.stopQuietly();
            b.stopQuietly();
            a.keepLog();
            b.keepLog();
        }
    }

    /** Kills the node at a random moment of the stream and starts it again. */
    private static String crash(String what, Node node, SubmissionStream stream) throws Exception {
        randomPause();
        String event = "SIGKILL " + what + " after " + stream.acknowledgedCount() + " acknowledged";
        log(event);
        node.kill();
        node.start();
        return event;
    }

    /**
     * Kills B's postmaster; A keeps accepting mail, its deliveries to B fail and are retried; then
     * B, left without its database, is stopped and started (which recovers the database).
     */
    private static String killDatabase(Node b, Queue queue, SubmissionStream stream) throws Exception {
        randomPause();
        int acknowledged = stream.acknowledgedCount();
        log("SIGKILL B's PostgreSQL after " + acknowledged + " acknowledged");
        long pid = Long.parseLong(Files.readAllLines(b.dataDir().resolve("postgres/postmaster.pid")).get(0).strip());
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("no postmaster " + pid));
        postmaster.destroyForcibly();
        postmaster.onExit().get(30, TimeUnit.SECONDS);
        long failedBefore = queue.count("attempts >= 1 AND last_error IS NOT NULL");
        stream.awaitAcknowledged(3, 60);
        awaitTrue("A retried a delivery refused while B's database was down",
                () -> queue.count("attempts >= 1 AND last_error IS NOT NULL") > failedBefore, Duration.ofSeconds(60));
        log("A retried a delivery B refused; restarting B");
        b.stop();
        b.start();
        return "SIGKILL B's PostgreSQL (pid " + pid + ") after " + acknowledged + " acknowledged; B stopped and started";
    }

    /** B stopped until A has failed at least three times to deliver an envelope to it; returns the mail sent meanwhile. */
    private static Set<String> outage(Node b, Queue queue, SubmissionStream stream, List<String> events) throws Exception {
        Set<String> before = stream.acknowledged();
        log("stopping B after " + before.size() + " acknowledged");
        b.stop();
        stream.awaitAcknowledged(3, 60);
        awaitTrue("an envelope for B was tried three times", () -> queue.count("state = 'pending' AND attempts >= 3") > 0,
                Duration.ofSeconds(90));
        Set<String> during = new java.util.HashSet<>(stream.acknowledged());
        during.removeAll(before);
        events.add("B stopped until A tried one envelope 3 times (" + during.size() + "+ acknowledged meanwhile)");
        log("starting B again");
        b.start();
        return during;
    }

    /** Waits until every acknowledged subject arrived and A has nothing left to send, then until the INBOX is stable. */
    private static Map<String, Integer> awaitDelivered(Node b, Set<String> acknowledged, Queue queue, String run)
            throws Exception {
        long deadline = System.nanoTime() + DELIVERY_LIMIT.toNanos();
        Map<String, Integer> seen = Map.of();
        while (System.nanoTime() < deadline) {
            seen = b.mail().inboxSubjects("blair", "pw-blair", s -> s.startsWith(run + "-"));
            if (seen.keySet().containsAll(acknowledged) && queue.count("state = 'pending'") == 0) {
                Map<String, Integer> again;
                do { // B may still be opening the last envelopes A handed over
                    Thread.sleep(1000);
                    again = seen;
                    seen = b.mail().inboxSubjects("blair", "pw-blair", s -> s.startsWith(run + "-"));
                } while (!seen.equals(again) && System.nanoTime() < deadline);
                return seen;
            }
            Thread.sleep(1000);
        }
        Map<String, Integer> last = seen;
        List<String> missing = acknowledged.stream().filter(s -> !last.containsKey(s)).sorted().toList();
        throw new AssertionError(missing.size() + " acknowledged messages not delivered within " + DELIVERY_LIMIT + ": "
                + missing + "; A's outbound queue: " + queue.states() + ", B's inbound store: "
                + new Queue(b.embeddedDatabase(), "inbound").states());
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
                "the mail sent while B was down arrived: " + duringOutage);
    }

    private static void report(SubmissionStream stream, Map<String, Integer> delivered, List<String> arrivalOrder,
                               Set<String> duringOutage, List<String> events) {
        Set<String> acknowledged = stream.acknowledged();
        long withoutAck = delivered.keySet().stream().filter(s -> !acknowledged.contains(s)).count();
        int duplicates = delivered.values().stream().mapToInt(n -> n - 1).sum();
        int outOfOrder = 0;
        for (int i = 1; i < arrivalOrder.size(); i++) {
            if (sequence(arrivalOrder.get(i)) < sequence(arrivalOrder.get(i - 1))) {
                outOfOrder++;
            }
        }
        System.out.println("RelayFaultIT: " + String.join("; ", events));
        System.out.printf("RelayFaultIT: sent %d, acknowledged (250) %d, failed or cut off %d, delivered %d"
                        + " (of them without a 250: %d), duplicates %d, sent during B's outage %d,"
                        + " arrivals after a later message %d%n", stream.attempted().size(), acknowledged.size(),
                stream.failures(), delivered.size(), withoutAck, duplicates, duringOutage.size(), outOfOrder);
    }

    private static int sequence(String subject) {
        return Integer.parseInt(subject.substring(subject.lastIndexOf('-') + 1));
    }

    /** Establishes the relationship with the admin CLI; returns {blair's alias at A, alex's alias at B}. */
    private static String[] connect(Node a, Node b) throws Exception {
        var created = a.admin().run("invite", "create", "--user", "alex", "--json");
        assertEquals(0, created.exitCode(), created.toString());
        Matcher token = Pattern.compile("\"token\":\"([A-Za-z0-9_-]+)\"").matcher(created.stdout());
        assertTrue(token.find(), created.stdout());
        var accepted = b.admin().run("invite", "accept", "--user", "blair", token.group(1));
        assertEquals(0, accepted.exitCode(), accepted.toString());
        Pattern active = Pattern.compile("\"state\": \"active\", \"alias\": \"([^\"]+)\"");
        String[] blairAtA = new String[1];
        awaitTrue("alex's side of the relationship became active", () -> {
            Matcher m = active.matcher(a.admin().run("relationship", "list", "--user", "alex", "--json").stdout());
            blairAtA[0] = m.find() ? m.group(1) : null;
            return blairAtA[0] != null;
        }, Duration.ofSeconds(60));
        return new String[]{blairAtA[0], accepted.stdout().strip()};
    }

    private static final long STARTED = System.nanoTime();

    /** Progress on stdout, with the seconds since the test class was loaded (there is no other clock to read it by). */
    private static void log(String event) {
        System.out.printf("RelayFaultIT [%5.1f s]: %s%n", (System.nanoTime() - STARTED) / 1e9, event);
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

    /** A transport table (outbound at A, inbound at B), read directly: how many envelopes are in which state. */
    private record Queue(DatabaseLocation.External database, String table) {
        long count(String condition) throws Exception {
            try (var c = DriverManager.getConnection(database.url(), database.user(), database.password());
                 var s = c.createStatement();
                 var r = s.executeQuery("SELECT count(*) FROM transport." + table + " WHERE " + condition)) {
                r.next();
                return r.getLong(1);
            }
        }

        Map<String, Long> states() throws Exception {
            Map<String, Long> states = new TreeMap<>();
            try (var c = DriverManager.getConnection(database.url(), database.user(), database.password());
                 var s = c.createStatement();
                 var r = s.executeQuery("SELECT state, count(*) FROM transport." + table + " GROUP BY state")) {
                while (r.next()) {
                    states.put(r.getString(1), r.getLong(2));
                }
            }
            return states;
        }
    }

    /**
     * One gateway: a working directory with its data in {@code ./liaison-data}, fixed ports (its
     * route names its HTTPS port, and a restart must come back on the same ones), configured by
     * environment like {@link RelationshipCliIT}; its database external when given, else embedded.
     */
    private static final class Node {
        private final Path dir;
        private final String domain;
        private final Map<String, String> environment = new LinkedHashMap<>();
        private final LiaisonProcess admin;
        private ServeProcess served;
        private MailClient mail;

        Node(Path dir, String domain, Optional<DatabaseLocation.External> database, Path trusted) throws Exception {
            this.dir = Files.createDirectories(dir);
            this.domain = domain;
            int http = LoopbackPorts.free();
            environment.put("LIAISON_DOMAIN", domain);
            environment.put("LIAISON_BIND_ADDRESS", "127.0.0.1");
            environment.put("LIAISON_HTTP_PORT", String.valueOf(http));
            environment.put("LIAISON_HTTP_PUBLIC_URL", "https://localhost:" + http);
            environment.put("LIAISON_RELAY_TRUSTED_CERTIFICATES", trusted.toString());
            for (String key : List.of("LIAISON_SMTP_SUBMISSION_PORT", "LIAISON_SMTP_SUBMISSIONS_PORT", "LIAISON_IMAP_PORT",
                    "LIAISON_IMAPS_PORT")) {
                environment.put(key, String.valueOf(LoopbackPorts.free()));
            }
            database.ifPresent(db -> {
                environment.put("LIAISON_DATABASE_URL", db.url());
                environment.put("LIAISON_DATABASE_USER", db.user());
                environment.put("LIAISON_DATABASE_PASSWORD", db.password());
            });
            this.admin = new LiaisonProcess(dir, Map.copyOf(environment));
        }

        /** Its self-signed certificate, made now as serve would, for the peers' trust bundle. */
        String certificate() throws Exception {
            Path tls = Files.createDirectories(dataDir().resolve("tls"));
            TlsMaterial.load(new TlsSource.Generated(tls), domain);
            mail = new MailClient(port("LIAISON_SMTP_SUBMISSION_PORT"), port("LIAISON_IMAP_PORT"),
                    tls.resolve("certificate.pem"));
            return Files.readString(tls.resolve("certificate.pem"));
        }

        Path dataDir() {
            return dir.resolve("liaison-data");
        }

        /** Where its running embedded PostgreSQL is (the port changes with every start). */
        DatabaseLocation.External embeddedDatabase() throws Exception {
            String port = Files.readAllLines(dataDir().resolve("postgres/postmaster.pid")).get(3).strip();
            return new DatabaseLocation.External("jdbc:postgresql://127.0.0.1:" + port + "/liaison", "postgres",
                    Files.readString(dataDir().resolve("postgres.secret")).strip());
        }

        /** Keeps its log where the build keeps reports, for reading after a failure. */
        void keepLog() {
            try {
                Files.copy(dir.resolve("serve.log"), Path.of("target", "RelayFaultIT-" + domain + ".log"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } catch (java.io.IOException e) {
                System.out.println("RelayFaultIT: cannot keep the log of " + domain + ": " + e);
            }
        }

        String domain() {
            return domain;
        }

        LiaisonProcess admin() {
            return admin;
        }

        MailClient mail() {
            return mail;
        }

        int port(String key) {
            return Integer.parseInt(environment.get(key));
        }

        void start() throws Exception {
            served = ServeProcess.start(admin.builder("serve"), dir.resolve("serve.log"));
        }

        void kill() throws InterruptedException {
            served.kill();
        }

        void stop() throws Exception {
            served.stop();
        }

        void stopQuietly() {
            try {
                if (served != null && served.isAlive()) {
                    served.stop();
                }
            } catch (Exception | AssertionError e) {
                System.out.println("RelayFaultIT: stopping " + domain + " failed: " + e);
            }
        }

        void addUser(String login, String password) throws Exception {
            var added = admin.runWithInput(password + "\n", "user", "add", login, "--password-stdin");
            assertEquals(0, added.exitCode(), added.toString());
        }
    }
}
