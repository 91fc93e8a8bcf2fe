package dev.liaison.gateway.cli;

import dev.liaison.gateway.tls.TrustingClients;
import dev.liaison.mapping.database.TestPostgres;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server process dies between DATA and its reply — before the commit, or after it but before
 * the 250 — and is restarted; the client, having seen no 250, sends again. Either way the
 * message ends up in the mailbox exactly once: never lost, never half, never twice.
 */
class SubmissionCrashIT {

    @TempDir
    Path work;
    private LiaisonProcess admin;
    private String alias;
    private int smtpPort;
    private int imapsPort;

    /**
     * The gateway's database: a fresh one on the test server, which the crashes do not touch (this
     * test is about the gateway process dying; DemoRelayCrashIT and RelayFaultIT kill the embedded one).
     */
    private Map<String, String> database;

    @BeforeEach
    void userAndAlias() throws Exception {
        var location = TestPostgres.available().get(0).freshLocation();
        database = Map.of("LIAISON_DATABASE_URL", location.url(), "LIAISON_DATABASE_USER", location.user(),
                "LIAISON_DATABASE_PASSWORD", location.password());
        admin = new LiaisonProcess(work, database);
        assertEquals(0, admin.runWithInput("pw-of-alex-1\n", "user", "add", "alex", "--password-stdin").exitCode());
        alias = admin.run("alias", "create", "--user", "alex").stdout().trim();
    }

    @ParameterizedTest
    @ValueSource(strings = {"submission.before-commit", "submission.after-commit"})
    void crashBetweenDataAndReplyLosesNothingAndDeliversOnce(String failpoint) throws Exception {
        Process crashing = serve(Map.of("LIAISON_FAILPOINT", failpoint));
        MimeMessage message = message("<crash-" + failpoint + "@test>");
        var e = assertThrows(MessagingException.class, () -> send(message));
        assertTrue(crashing.waitFor(60, TimeUnit.SECONDS), "the process halted at " + failpoint);
        assertEquals(137, crashing.exitValue());
        assertTrue(String.valueOf(e).contains("Exception"), "the client saw no 250: " + e);

        Process restarted = serve(Map.of());
        try {
            int before = count(message.getMessageID());
            assertEquals(failpoint.endsWith("before-commit") ? 0 : 1, before,
                    "a crash before the commit leaves nothing, after it leaves the committed message");
            send(message); // the client's retry: same message, same Message-ID
            assertEquals(1, count(message.getMessageID()), "delivered exactly once after the retry");
        } finally {
            restarted.destroy();
            restarted.waitFor(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void aCleanRestartKeepsDeliveredMail() throws Exception {
        Process first = serve(Map.of());
        MimeMessage message = message("<kept@test>");
        try {
            send(message);
        } finally {
            first.destroy();
            assertTrue(first.waitFor(60, TimeUnit.SECONDS));
        }
        Process second = serve(Map.of());
        try {
            assertEquals(1, count(message.getMessageID()));
        } finally {
            second.destroy();
            second.waitFor(60, TimeUnit.SECONDS);
        }
    }

    private Process serve(Map<String, String> extraEnvironment) throws Exception {
        var environment = new java.util.HashMap<>(database);
        environment.putAll(extraEnvironment);
        var liaison = new LiaisonProcess(work, environment);
        // Ports 0 and read back from the log: a port picked in advance may be taken meanwhile.
        Process p = liaison.builder("serve", "--bind-address=127.0.0.1", "--smtp.submission.port=0",
                "--smtp.submissions.port=0", "--smtp.inbound.port=0", "--imap.port=0", "--imaps.port=0", "--http.port=0")
                .redirectErrorStream(true).start();
        var ports = java.util.regex.Pattern.compile("SMTP submission on (\\d+) \\(STARTTLS\\) and \\d+ \\(TLS\\); IMAP on \\d+ \\(STARTTLS\\) and (\\d+) \\(TLS\\)")
                .matcher(waitForLine(p.getInputStream(), "SMTP submission on"));
        assertTrue(ports.find(), "listener ports logged");
        smtpPort = Integer.parseInt(ports.group(1));
        imapsPort = Integer.parseInt(ports.group(2));
        waitForLine(p.getInputStream(), "Liaison serving");
        return p;
    }

    private MimeMessage message(String messageId) throws Exception {
        MimeMessage m = new MimeMessage(session()) {
            @Override
            protected void updateMessageID() throws MessagingException {
                setHeader("Message-ID", messageId);
            }
        };
        m.setFrom(alias);
        m.setRecipients(Message.RecipientType.TO, alias);
        m.setSubject("crash test");
        m.setText("must arrive exactly once\n");
        m.saveChanges();
        return m;
    }

    private void send(MimeMessage m) throws Exception {
        try (Transport t = session().getTransport("smtp")) { // the current ports, not those of the message's session
            t.connect("alex", "pw-of-alex-1");
            t.sendMessage(m, m.getAllRecipients());
        }
    }

    private int count(String messageId) throws Exception {
        try (Store store = session().getStore("imaps")) {
            store.connect("alex", "pw-of-alex-1");
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            int n = inbox.search(new jakarta.mail.search.HeaderTerm("Message-ID", messageId)).length;
            inbox.close(false);
            return n;
        }
    }

    private Session session() throws Exception {
        Properties p = new Properties();
        var factory = TrustingClients.trusting(work.resolve("liaison-data/tls/certificate.pem")).getSocketFactory();
        p.put("mail.smtp.host", "localhost");
        p.put("mail.smtp.port", String.valueOf(smtpPort));
        p.put("mail.smtp.auth", "true");
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", "true");
        p.put("mail.smtp.ssl.socketFactory", factory);
        p.put("mail.smtp.timeout", "30000");
        p.put("mail.imaps.host", "localhost");
        p.put("mail.imaps.port", String.valueOf(imapsPort));
        p.put("mail.imaps.ssl.socketFactory", factory);
        return Session.getInstance(p);
    }


    /** Reads the process's output up to the line containing {@code needle} and returns that line. */
    private String waitForLine(InputStream output, String needle) throws Exception {
        if (reader == null || readerSource != output) {
            reader = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8));
            readerSource = output;
        }
        StringBuilder seen = new StringBuilder();
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            seen.append(line).append('\n');
            if (line.contains(needle)) {
                if (needle.equals("Liaison serving")) {
                    BufferedReader rest = reader;
                    Thread drain = new Thread(() -> AdminCliIT.drain(rest));
                    drain.setDaemon(true);
                    drain.start();
                }
                return line;
            }
        }
        throw new AssertionError("serve exited before '" + needle + "':\n" + seen);
    }

    private BufferedReader reader;
    private InputStream readerSource;
}
