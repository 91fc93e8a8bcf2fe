package dev.liaison.smtp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.liaison.smtp.authentication.DkimResult;
import dev.liaison.smtp.authentication.DmarcResult;
import dev.liaison.smtp.authentication.SpfResult;
import dev.liaison.smtp.inbound.InboundMessage;
import dev.liaison.smtp.testing.DkimTestKey;
import dev.liaison.smtp.testing.RecordingInboundHandler;
import dev.liaison.smtp.testing.RunningInbound;
import dev.liaison.smtp.testing.SmtpWire;
import dev.liaison.smtp.testing.TestMailboxes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Many sending servers at once, half of them DKIM-signing: every message is handed over exactly
 * once, with its own sender's authentication results (the SPF and DKIM checks of parallel sessions
 * share one jSPF instance and must not mix their DNS or results).
 */
class ConcurrentInboundTest {

    private static final int CLIENTS = 12;
    private static final int MESSAGES_PER_CLIENT = 5;
    private static final Pattern SUBJECT = Pattern.compile("\r\nSubject: (client \\d+ message \\d+)\r\n");

    @Test
    void everyMessageFromParallelServersIsHandedOverOnceWithItsOwnResults() throws Exception {
        try (RunningInbound mx = new RunningInbound()) {
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            try {
                List<Future<?>> clients = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    int client = c;
                    clients.add(pool.submit(() -> {
                        sendBatch(mx, client);
                        return null;
                    }));
                }
                for (Future<?> client : clients) {
                    client.get();
                }
            } finally {
                pool.shutdownNow();
            }
            List<InboundMessage> committed = mx.handler.committed();
            List<String> expected = IntStream.range(0, CLIENTS).boxed()
                    .flatMap(c -> IntStream.range(0, MESSAGES_PER_CLIENT).mapToObj(m -> "client " + c + " message " + m))
                    .toList();
            Map<String, Long> bySubject = committed.stream()
                    .collect(Collectors.groupingBy(ConcurrentInboundTest::subject, Collectors.counting()));
            assertEquals(expected.stream().collect(Collectors.toMap(Function.identity(), s -> 1L)), bySubject);
            for (InboundMessage message : committed) {
                boolean signed = clientOf(subject(message)) % 2 == 1;
                assertEquals(signed ? SpfResult.NONE : SpfResult.PASS, message.authentication().spf().result());
                assertEquals(signed ? List.of(DkimResult.PASS) : List.of(),
                        message.authentication().dkim().stream().map(d -> d.result()).toList());
                assertEquals(DmarcResult.PASS, message.authentication().dmarc().result());
            }
        }
    }

    /** Even clients are bob (SPF passes); odd clients are carol, who DKIM-signs for strict.example. */
    private static void sendBatch(RunningInbound mx, int client) throws Exception {
        boolean signed = client % 2 == 1;
        String from = signed ? "carol@strict.example" : TestMailboxes.BOB;
        try (SmtpWire wire = mx.greeted()) {
            for (int m = 0; m < MESSAGES_PER_CLIENT; m++) {
                String message = "From: <" + from + ">\r\nTo: alex@gw.example\r\nSubject: client " + client + " message " + m
                        + "\r\nDate: Thu, 26 Nov 2026 10:00:00 +0000\r\n\r\nbody of " + client + "-" + m + "\r\n";
                if (signed) {
                    message = DkimTestKey.get().sign(message, "strict.example", "sel");
                }
                wire.command("MAIL FROM:<" + from + ">").expect(250);
                wire.command("RCPT TO:<" + TestMailboxes.PUBLISHED + ">").expect(250);
                wire.command("DATA").expect(354);
                wire.send(message + ".\r\n").expect(250);
            }
        }
    }

    private static String subject(InboundMessage message) {
        Matcher matcher = SUBJECT.matcher(RecordingInboundHandler.text(message));
        return matcher.find() ? matcher.group(1) : "?";
    }

    private static int clientOf(String subject) {
        return Integer.parseInt(subject.split(" ")[1]);
    }
}
