package dev.liaison.gateway.cli;

import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.search.SubjectTerm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code liaison demo} as a separate process, the way a user runs it: two connected gateways, the
 * info file, mail from alex arriving at blair; and the process killed between the commit of a
 * relayed message and its 250 — after a restart and the client's retry the message reaches blair
 * exactly once, and SIGTERM stops the demo cleanly.
 */
class DemoRelayCrashIT {

    @TempDir
    Path work;

    @Test
    void killedAfterCommittingARelayedMessageItIsDeliveredOnceAfterRestartAndRetry() throws Exception {
        // Below Linux's ephemeral range (32768 and up): there an outgoing connection of this or any other
        // process, e.g. a pooled JDBC connection, can hold one of the demo's fixed ports (CI failed so once).
        int portBase = 20000 + 20 * ThreadLocalRandom.current().nextInt(600);
        Path info = work.resolve("info.json");
        Process crashing = demo(portBase, info, Map.of("LIAISON_FAILPOINT", "submission.after-commit"));
        Info first = Info.read(info);
        MimeMessage message = message(first, "<relay-crash@test>", "crash while relaying");
        MessagingException failure = assertThrows(MessagingException.class, () -> send(first, message));
        assertTrue(crashing.waitFor(60, TimeUnit.SECONDS), "the demo halted at the failpoint: " + failure);
        assertEquals(137, crashing.exitValue());

        Files.delete(info);
        Process restarted = demo(portBase, info, Map.of());
        try {
            Info again = Info.read(info);
            assertEquals(first.alexPassword(), again.alexPassword(), "the demo keeps its users between runs");
            send(again, message(again, "<relay-crash@test>", "crash while relaying")); // the client's retry
            send(again, message(again, "<after-crash@test>", "after the crash"));
            awaitCount(again, "after the crash", 1);
            awaitCount(again, "crash while relaying", 1);
            Thread.sleep(2000); // anything queued twice would have arrived by now
            assertEquals(1, count(again, "crash while relaying"), "relayed exactly once");
            assertEquals(first.aliasForBlair(), again.aliasForBlair());
            connectAlexWithAnotherUser();
        } finally {
            restarted.destroy(); // SIGTERM
            assertTrue(restarted.waitFor(60, TimeUnit.SECONDS), "the demo stops on SIGTERM");
        }
        String log = Files.readString(work.resolve("demo-" + portBase + ".log"));
        assertTrue(log.split("Liaison stopped", -1).length - 1 >= 2, "both gateways stopped cleanly:\n" + log);

        Files.delete(info);
        // as a data directory of a release that kept no contact file: the relationship is found, not made again
        Files.delete(work.resolve("demo/alex/demo-contact"));
        Files.delete(work.resolve("demo/blair/demo-contact"));
        Process third = demo(portBase, info, Map.of());
        try {
            assertEquals(first.aliasForBlair(), Info.read(info).aliasForBlair(),
                    "after a restart alex is told blair's alias, not that of alex's newer relationship");
            LiaisonProcess.Result listed = new LiaisonProcess(work, Map.of()).run("relationship", "list", "--user", "alex",
                    "--config", work.resolve("demo/alex/liaison.conf").toString());
            assertEquals(2, listed.stdout().split(" active ", -1).length - 1,
                    "alex's relationships with blair and casey, no second one with blair: " + listed);
            assertTrue(Files.isRegularFile(work.resolve("demo/alex/demo-contact")), "the contact file is written again");
        } finally {
            third.destroy();
            assertTrue(third.waitFor(60, TimeUnit.SECONDS), "the demo stops on SIGTERM");
        }
    }

    /**
     * With the admin commands on each side's {@code liaison.conf} (the demo writes them), alex
     * invites a new user of blair's gateway, and the relationship becomes active on both sides:
     * the invitation names the demo's gateway, not the defaults'.
     */
    private void connectAlexWithAnotherUser() throws Exception {
        LiaisonProcess cli = new LiaisonProcess(work, Map.of());
        String alex = work.resolve("demo/alex/liaison.conf").toString();
        String blair = work.resolve("demo/blair/liaison.conf").toString();
        LiaisonProcess.Result added = cli.runWithInput("casey's long passphrase\n", "user", "add", "casey",
                "--display-name", "Casey", "--password-stdin", "--config", blair);
        assertEquals(0, added.exitCode(), added.toString());
        LiaisonProcess.Result invited = cli.run("invite", "create", "--user", "alex",
                "--qr", work.resolve("casey.png").toString(), "--config", alex);
        Matcher link = Pattern.compile("link: +(\\S+)").matcher(invited.stdout());
        assertTrue(invited.exitCode() == 0 && link.find(), invited.toString());
        LiaisonProcess.Result accepted = cli.run("invite", "accept", "--user", "casey", link.group(1), "--config", blair);
        assertEquals(0, accepted.exitCode(), accepted.toString());
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        LiaisonProcess.Result listed;
        while ((listed = cli.run("relationship", "list", "--user", "alex", "--config", alex)).stdout()
                .split(" active ", -1).length - 1 < 2) {
            assertTrue(System.nanoTime() < deadline, "alex's relationship with casey became active: " + listed);
            Thread.sleep(500);
        }
    }

    private Process demo(int portBase, Path info, Map<String, String> environment) throws Exception {
        Path log = work.resolve("demo-" + portBase + ".log");
        Process p = new LiaisonProcess(work, environment).builder("demo", "--data-dir", work.resolve("demo").toString(),
                        "--port-base", String.valueOf(portBase), "--info-file", info.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!Files.isRegularFile(info) || Files.size(info) == 0) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new AssertionError("the demo did not write its info file:\n" + Files.readString(log));
            }
            Thread.sleep(200);
        }
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(info)),
                "the info file holds the passwords");
        return p;
    }

    /** The parts of the info file this test needs (read with a pattern: the format is fixed by the issue). */
    record Info(int alexSmtp, String alexPassword, String aliasForBlair, int blairImap, String blairPassword, Path certs) {
        static Info read(Path file) throws Exception {
            String json = Files.readString(file);
            Matcher m = Pattern.compile("\\{\"name\":\"alex\",\"domain\":\"[^\"]+\",\"smtp\":\\{\"host\":\"127.0.0.1\","
                    + "\"port\":(\\d+),\"security\":\"starttls\"},\"imap\":\\{\"host\":\"127.0.0.1\",\"port\":\\d+,"
                    + "\"security\":\"starttls\"},\"login\":\"alex\",\"password\":\"([^\"]+)\",\"contacts\":\\[\\{"
                    + "\"name\":\"blair\",\"alias\":\"([^\"]+)\"}]}").matcher(json);
            Matcher b = Pattern.compile("\\{\"name\":\"blair\",\"domain\":\"[^\"]+\",\"smtp\":\\{\"host\":\"127.0.0.1\","
                    + "\"port\":\\d+,\"security\":\"starttls\"},\"imap\":\\{\"host\":\"127.0.0.1\",\"port\":(\\d+),"
                    + "\"security\":\"starttls\"},\"login\":\"blair\",\"password\":\"([^\"]+)\",\"contacts\":\\[\\{"
                    + "\"name\":\"alex\",\"alias\":\"[^\"]+\"}]}").matcher(json);
            assertTrue(json.startsWith("{\"gateways\":[") && m.find() && b.find(), "info file as specified: " + json);
            return new Info(Integer.parseInt(m.group(1)), m.group(2), m.group(3), Integer.parseInt(b.group(1)),
                    b.group(2), file.getParent().resolve("demo/peers.pem"));
        }
    }

    private MimeMessage message(Info info, String messageId, String subject) throws Exception {
        MimeMessage m = new MimeMessage(session(info)) {
            @Override
            protected void updateMessageID() throws MessagingException {
                setHeader("Message-ID", messageId);
            }
        };
        m.setFrom("alex@alex.localhost");
        m.setRecipients(Message.RecipientType.TO, info.aliasForBlair());
        m.setSubject(subject);
        m.setText("must arrive exactly once\r\n");
        m.saveChanges();
        return m;
    }

    private void send(Info info, MimeMessage m) throws Exception {
        try (Transport t = session(info).getTransport("smtp")) {
            t.connect("alex", info.alexPassword());
            t.sendMessage(m, m.getAllRecipients());
        }
    }

    private int count(Info info, String subject) throws Exception {
        try (Store store = session(info).getStore("imap")) {
            store.connect("blair", info.blairPassword());
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            int n = inbox.search(new SubjectTerm(subject)).length;
            inbox.close(false);
            return n;
        }
    }

    private void awaitCount(Info info, String subject, int expected) throws Exception {
        // After the restart alex's gateway may try blair's before it listens; the retry backoff
        // (2.5-5 s, doubling) then decides when it arrives: allow for a few retries on a busy machine.
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        int seen;
        while ((seen = count(info, subject)) < expected && System.nanoTime() < deadline) {
            Thread.sleep(250);
        }
        assertEquals(expected, seen, "messages '" + subject + "' in blair's INBOX");
    }

    private Session session(Info info) throws Exception {
        var trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        int i = 0;
        try (var in = Files.newInputStream(info.certs())) {
            for (var c : java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("gw" + i++, c);
            }
        }
        var tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        var context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(info.alexSmtp()));
        p.put("mail.smtp.auth", "true");
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", "true");
        p.put("mail.smtp.ssl.socketFactory", context.getSocketFactory());
        p.put("mail.smtp.timeout", "30000");
        p.put("mail.imap.host", "127.0.0.1");
        p.put("mail.imap.port", String.valueOf(info.blairImap()));
        p.put("mail.imap.starttls.enable", "true");
        p.put("mail.imap.starttls.required", "true");
        p.put("mail.imap.ssl.socketFactory", context.getSocketFactory());
        return Session.getInstance(p);
    }
}
