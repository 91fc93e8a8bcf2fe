package dev.liaison.smtp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.liaison.smtp.submission.Limits;
import dev.liaison.smtp.submission.Submission;
import dev.liaison.smtp.testing.JakartaMailClient;
import dev.liaison.smtp.testing.RunningServer;
import dev.liaison.smtp.testing.TestDirectory;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Many clients at once on both listeners: every message is committed exactly once, none is mixed up. */
class ConcurrentSubmissionTest {

    private static final int CLIENTS = 24;
    private static final int MESSAGES_PER_CLIENT = 8;

    @Test
    void everyMessageFromParallelClientsIsCommittedExactlyOnce() throws Exception {
        // Twelve clients reconnect for every message: a closed connection leaves the listener's per-address
        // count a moment after the client sees it closed, so the default 16 could refuse a greeting
        // (a failure seen once under a full build). This test is about concurrency, not that limit.
        Limits d = Limits.DEFAULT;
        Limits roomy = new Limits(d.maxMessageOctets(), d.maxLineOctets(), d.maxHeaderFields(), d.maxHeaderOctets(),
                d.maxRecipients(), d.maxConnections(), 64, d.idleTimeout(), d.authThrottling(), d.maxBufferedOctets());
        try (RunningServer smtp = new RunningServer(roomy)) {
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            try {
                List<Future<?>> clients = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    int client = c;
                    clients.add(pool.submit(() -> {
                        sendBatch(smtp, client);
                        return null;
                    }));
                }
                for (Future<?> client : clients) {
                    client.get();
                }
            } finally {
                pool.shutdownNow();
            }
            List<Submission> committed = smtp.handler.committed();
            Map<String, Long> bySubject = committed.stream()
                    .collect(Collectors.groupingBy(ConcurrentSubmissionTest::subject, Collectors.counting()));
            List<String> expected = IntStream.range(0, CLIENTS).boxed()
                    .flatMap(c -> IntStream.range(0, MESSAGES_PER_CLIENT).mapToObj(m -> "client " + c + " message " + m))
                    .toList();
            assertEquals(expected.size(), committed.size());
            assertEquals(expected.stream().collect(Collectors.toMap(Function.identity(), s -> 1L)), bySubject);
            for (Submission submission : committed) {
                String body = body(submission);
                assertEquals(subject(submission).replace(' ', '-'), body, "body belongs to its own message");
            }
            assertEquals(committed.size(), committed.stream().map(Submission::id).distinct().count());
        }
    }

    /** Half the clients use STARTTLS and one connection per message, half implicit TLS and one connection. */
    private static void sendBatch(RunningServer smtp, int client) throws Exception {
        boolean reuse = client % 2 == 0;
        JakartaMailClient mail = reuse
                ? JakartaMailClient.implicitTls(smtp.server.submissionsPort(), "alex", TestDirectory.ALEX_PASSWORD)
                : JakartaMailClient.starttls(smtp.server.submissionPort(), "alex", TestDirectory.ALEX_PASSWORD);
        List<MimeMessage> messages = new ArrayList<>();
        for (int m = 0; m < MESSAGES_PER_CLIENT; m++) {
            String subject = "client " + client + " message " + m;
            messages.add(mail.newMessage("alex@gw.example", TestDirectory.ALEX_ALIAS, subject, subject.replace(' ', '-')));
        }
        if (reuse) {
            mail.sendAll(messages);
        } else {
            for (MimeMessage message : messages) {
                mail.send(message);
            }
        }
    }

    private static String subject(Submission submission) {
        try {
            return parse(submission).getSubject();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String body(Submission submission) {
        try {
            return ((String) parse(submission).getContent()).strip();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static MimeMessage parse(Submission submission) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(submission.message().toByteArray()));
    }
}
