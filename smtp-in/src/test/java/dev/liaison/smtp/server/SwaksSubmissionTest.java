package dev.liaison.smtp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.liaison.smtp.submission.Submission;
import dev.liaison.smtp.testing.RunningServer;
import dev.liaison.smtp.testing.TestDirectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An independent client: Debian's {@code swaks} (package {@code swaks}, which the CI script
 * installs). Fails, rather than skips, when swaks is missing.
 */
class SwaksSubmissionTest {

    private static RunningServer smtp;

    @BeforeAll
    static void start() {
        smtp = new RunningServer();
    }

    @AfterAll
    static void stop() {
        smtp.close();
    }

    @BeforeEach
    void reset() {
        smtp.handler.clear();
    }

    @Test
    void swaksSubmitsOverStartTlsWithAuthPlain() throws Exception {
        Result result = swaks("--port", String.valueOf(smtp.server.submissionPort()), "--tls",
                "--auth", "PLAIN", "--auth-user", "alex", "--auth-password", TestDirectory.ALEX_PASSWORD,
                "--from", "alex@gw.example", "--to", TestDirectory.ALEX_ALIAS,
                "--header", "Subject: from swaks", "--body", "swaks body line");
        assertEquals(0, result.exitCode(), result.output());
        Submission submission = single();
        String message = SubmissionDialogueTest.text(submission);
        assertTrue(message.contains("Subject: from swaks\r\n"), message);
        assertTrue(message.contains("swaks body line"), message);
    }

    @Test
    void swaksSubmitsOverImplicitTlsWithAuthLogin() throws Exception {
        Result result = swaks("--port", String.valueOf(smtp.server.submissionsPort()), "--tls-on-connect",
                "--auth", "LOGIN", "--auth-user", "alex", "--auth-password", TestDirectory.ALEX_PASSWORD,
                "--from", "alex@gw.example", "--to", TestDirectory.ALEX_SECOND_ALIAS);
        assertEquals(0, result.exitCode(), result.output());
        assertEquals(TestDirectory.ALEX_SECOND_ALIAS, single().recipients().get(0).toString());
    }

    @Test
    void swaksSubmitsALineOfTheLimitThatStartsWithADot() throws Exception {
        String dotLine = "." + "d".repeat(997); // 998 octets + CRLF: the longest line RFC 5321 allows
        Result result = swaks("--port", String.valueOf(smtp.server.submissionPort()), "--tls",
                "--auth", "PLAIN", "--auth-user", "alex", "--auth-password", TestDirectory.ALEX_PASSWORD,
                "--from", "alex@gw.example", "--to", TestDirectory.ALEX_ALIAS,
                "--header", "Subject: dot line", "--body", "before\\n" + dotLine + "\\nafter");
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains(" .." + "d".repeat(997)), "swaks sent the line dot-stuffed: " + result.output());
        String message = SubmissionDialogueTest.text(single());
        assertTrue(message.contains("\r\nbefore\r\n" + dotLine + "\r\nafter"), message);
    }

    @Test
    void swaksRelayAttemptIsRefusedWith550() throws Exception {
        Result result = swaks("--port", String.valueOf(smtp.server.submissionPort()), "--tls",
                "--auth", "PLAIN", "--auth-user", "alex", "--auth-password", TestDirectory.ALEX_PASSWORD,
                "--from", "alex@gw.example", "--to", "victim@elsewhere.example");
        assertNotEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("550 5.7.1 <victim@elsewhere.example>"), result.output());
        assertEquals(0, smtp.handler.committed().size());
    }

    @Test
    void swaksWithoutTlsCannotAuthenticate() throws Exception {
        Result result = swaks("--port", String.valueOf(smtp.server.submissionPort()),
                "--auth", "PLAIN", "--auth-user", "alex", "--auth-password", TestDirectory.ALEX_PASSWORD,
                "--from", "alex@gw.example", "--to", TestDirectory.ALEX_ALIAS);
        assertNotEquals(0, result.exitCode(), result.output());
        assertEquals(0, smtp.handler.committed().size());
    }

    private static Submission single() {
        List<Submission> committed = smtp.handler.committed();
        assertEquals(1, committed.size(), committed.toString());
        return committed.get(0);
    }

    private record Result(int exitCode, String output) {
    }

    private static Result swaks(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("swaks", "--server", "127.0.0.1", "--timeout", "10",
                "--helo", "swaks.client.example"));
        command.addAll(List.of(arguments));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("swaks is not installed; install Debian package 'swaks' (apt-get install -y swaks)", e);
        }
        process.getOutputStream().close();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("swaks did not finish in 30 s");
        }
        return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
