package dev.liaison.smtp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.liaison.smtp.authentication.DkimResult;
import dev.liaison.smtp.authentication.DmarcResult;
import dev.liaison.smtp.inbound.InboundMessage;
import dev.liaison.smtp.testing.DkimTestKey;
import dev.liaison.smtp.testing.RunningInbound;
import dev.liaison.smtp.testing.TestMailboxes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Independent SMTP clients against the inbound MX: Python's {@code smtplib} and Debian's
 * {@code swaks}. Fails, rather than skips, when either is missing.
 */
class InboundIndependentClientsTest {

    private static RunningInbound mx;

    @TempDir
    Path scratch;

    @BeforeAll
    static void start() {
        mx = new RunningInbound();
    }

    @AfterAll
    static void stop() {
        mx.close();
    }

    @BeforeEach
    void reset() {
        mx.handler.clear();
        mx.mailboxes.clear();
    }

    @Test
    void smtplibDeliversADkimSignedMessageOverStartTls() throws Exception {
        String message = "From: Carol <carol@strict.example>\r\nTo: alex@gw.example\r\nSubject: signed\r\n"
                + "Date: Thu, 26 Nov 2026 10:00:00 +0000\r\n\r\nsigned body\r\n.dot line\r\n";
        Path file = scratch.resolve("message.eml");
        Files.writeString(file, DkimTestKey.get().sign(message, "strict.example", "sel"), StandardCharsets.ISO_8859_1);
        // Between mail servers STARTTLS is opportunistic (RFC 3207, no DANE here): the sender does not verify.
        Result result = python("""
                import smtplib, ssl, sys
                with smtplib.SMTP('127.0.0.1', int(sys.argv[1]), local_hostname='mta.strict.example', timeout=10) as s:
                    s.starttls(context=ssl._create_unverified_context())
                    s.ehlo('mta.strict.example')
                    s.sendmail('carol@strict.example', ['alex@gw.example'], open(sys.argv[2], 'rb').read())
                print('sent')
                """, String.valueOf(mx.server.port()), file.toString());
        assertEquals(0, result.exitCode(), result.output());
        InboundMessage delivered = single();
        assertTrue(delivered.tls());
        assertEquals(DkimResult.PASS, delivered.authentication().dkim().get(0).result());
        assertEquals(DmarcResult.PASS, delivered.authentication().dmarc().result());
        assertTrue(new String(delivered.message().toByteArray(), StandardCharsets.ISO_8859_1).endsWith("\r\n.dot line\r\n"));
    }

    @Test
    void smtplibDeliversALineOfTheLimitThatStartsWithADot() throws Exception {
        String dotLine = "." + "d".repeat(997); // 998 octets + CRLF: the longest line RFC 5321 allows
        Path file = scratch.resolve("message.eml");
        Files.writeString(file, "From: Bob <bob@legacy.example>\r\nTo: alex@gw.example\r\nSubject: dot line\r\n"
                + "Date: Thu, 26 Nov 2026 10:00:00 +0000\r\n\r\nbefore\r\n" + dotLine + "\r\nafter\r\n",
                StandardCharsets.ISO_8859_1);
        // smtplib dot-stuffs (smtplib.quotedata): the line goes on the wire as 1001 octets with its CRLF.
        Result result = python("""
                import smtplib, sys
                with smtplib.SMTP('127.0.0.1', int(sys.argv[1]), local_hostname='mta.legacy.example', timeout=10) as s:
                    s.sendmail('%s', ['%s'], open(sys.argv[2], 'rb').read())
                print('sent')
                """.formatted(TestMailboxes.BOB, TestMailboxes.PUBLISHED), String.valueOf(mx.server.port()), file.toString());
        assertEquals(0, result.exitCode(), result.output());
        String delivered = new String(single().message().toByteArray(), StandardCharsets.ISO_8859_1);
        assertTrue(delivered.contains("\r\nbefore\r\n" + dotLine + "\r\nafter\r\n"), delivered);
    }

    /**
     * Mail from the Internet has lines over RFC 5322's 998 octets (HTML newsletters); Postfix and
     * Gmail take them, so the MX does too, as sent: nothing split, so the DKIM signature over the
     * body still verifies. One line of 3,000 octets, one of 300,000 starting with a dot (far more
     * than the framer holds at once: it arrives in parts), and a long header field.
     */
    @Test
    void smtplibDeliversLinesLongerThan998OctetsAsSentAndTheirSignatureVerifies() throws Exception {
        String newsletter = "<html><body>" + "<p>Newsletter item, with a link.</p>".repeat(84) + "</body></html>";
        String message = "From: Carol <carol@strict.example>\r\nTo: alex@gw.example\r\nSubject: newsletter\r\n"
                + "Date: Thu, 26 Nov 2026 10:00:00 +0000\r\n"
                + "List-Unsubscribe: <https://strict.example/u?t=" + "t".repeat(1500) + ">\r\n"
                + "Content-Type: text/html\r\n\r\n"
                + newsletter + "\r\n." + "d.".repeat(150_000) + "\r\nend\r\n";
        String signed = DkimTestKey.get().sign(message, "strict.example", "sel");
        Path file = scratch.resolve("newsletter.eml");
        Files.writeString(file, signed, StandardCharsets.ISO_8859_1);
        Result result = python("""
                import smtplib, sys
                with smtplib.SMTP('127.0.0.1', int(sys.argv[1]), local_hostname='mta.strict.example', timeout=10) as s:
                    s.sendmail('carol@strict.example', ['alex@gw.example'], open(sys.argv[2], 'rb').read())
                print('sent')
                """, String.valueOf(mx.server.port()), file.toString());
        assertEquals(0, result.exitCode(), result.output());
        InboundMessage delivered = single();
        assertEquals(DkimResult.PASS, delivered.authentication().dkim().get(0).result());
        assertTrue(new String(delivered.message().toByteArray(), StandardCharsets.ISO_8859_1).endsWith(signed),
                "the message as sent, after the trace fields the MX adds");
    }

    @Test
    void smtplibIsToldAuthIsNotOffered() throws Exception {
        Result result = python("""
                import smtplib, sys
                with smtplib.SMTP('127.0.0.1', int(sys.argv[1]), timeout=10) as s:
                    s.ehlo('mta.legacy.example')
                    print('auth advertised:', s.has_extn('auth'))
                    print('reply:', s.docmd('AUTH', 'PLAIN AGFsZXgAZ3Vlc3M=')[0])
                """, String.valueOf(mx.server.port()));
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("auth advertised: False"), result.output());
        assertTrue(result.output().contains("reply: 502"), result.output());
    }

    @Test
    void swaksDeliversToAPublishedAddress() throws Exception {
        Result result = swaks("--from", TestMailboxes.BOB, "--to", TestMailboxes.PUBLISHED,
                "--header", "From: Bob <bob@legacy.example>", "--header", "Subject: from swaks", "--body", "swaks body");
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(new String(single().message().toByteArray(), StandardCharsets.ISO_8859_1).contains("swaks body"));
    }

    @Test
    void swaksRelayAttemptIsRefused() throws Exception {
        Result result = swaks("--from", TestMailboxes.BOB, "--to", "victim@elsewhere.example");
        assertNotEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("550 5.7.1 <victim@elsewhere.example>"), result.output());
        assertEquals(0, mx.handler.calls());
    }

    private static InboundMessage single() {
        List<InboundMessage> committed = mx.handler.committed();
        assertEquals(1, committed.size(), committed.toString());
        return committed.get(0);
    }

    private record Result(int exitCode, String output) {
    }

    private Result python(String script, String... arguments) throws IOException, InterruptedException {
        Path file = scratch.resolve("client.py");
        Files.writeString(file, script);
        List<String> command = new ArrayList<>(List.of("python3", file.toString()));
        command.addAll(List.of(arguments));
        return run(command, "python3 is not installed; install Debian package 'python3'");
    }

    private static Result swaks(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("swaks", "--server", "127.0.0.1", "--port",
                String.valueOf(mx.server.port()), "--timeout", "10", "--helo", "mta.legacy.example"));
        command.addAll(List.of(arguments));
        return run(command, "swaks is not installed; install Debian package 'swaks' (apt-get install -y swaks)");
    }

    private static Result run(List<String> command, String missing) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException(missing, e);
        }
        process.getOutputStream().close();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command.get(0) + " did not finish in 30 s");
        }
        return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
