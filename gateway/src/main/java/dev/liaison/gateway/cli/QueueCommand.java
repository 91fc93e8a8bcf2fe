package dev.liaison.gateway.cli;

import dev.liaison.gateway.legacy.delivery.LegacySchema;
import dev.liaison.gateway.transport.send.QueueTable;
import dev.liaison.gateway.transport.send.QueuedDestinations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code liaison queue list|flush}: what waits for delivery, by destination (peer gateways for
 * relationship mail, mail servers for plain email), and a retry now instead of at the backoff's
 * next attempt. Never a sender, recipient or message.
 */
@Command(name = "queue", description = "Show mail waiting for delivery, by destination; retry it now.",
        mixinStandardHelpOptions = true, subcommands = {QueueCommand.ListQueue.class, QueueCommand.Flush.class})
public final class QueueCommand {

    private static final List<QueueTable> QUEUES = List.of(QueueTable.TRANSPORT, LegacySchema.QUEUE);

    @Command(name = "list", description = "Destinations with mail waiting, the longest waiting first.")
    static final class ListQueue implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Option(names = "--json", description = "print a JSON array") boolean json;

        @Override
        public Integer call() throws Exception {
            try (AdminSession session = open(common)) {
                Instant now = Clock.systemUTC().instant();
                List<Map<String, Object>> rows = new ArrayList<>();
                TextTable table = new TextTable("QUEUE", "DESTINATION", "WAITING", "OLDEST", "NEXT ATTEMPT", "ATTEMPTS",
                        "LAST ERROR").alignRight(2, 5);
                for (QueueTable queue : QUEUES) {
                    for (QueuedDestinations.Destination d : session.database()
                            .inTransaction(c -> QueuedDestinations.list(c, queue))) {
                        rows.add(fields(queue, d));
                        table.row(queue.label(), d.destination(), d.pending(), age(d.oldest(), now),
                                d.nextAttempt().isAfter(now) ? "in " + age(now, d.nextAttempt()) : "due", d.attempts(),
                                d.lastError());
                    }
                }
                if (json) {
                    System.out.println(JsonOutput.array(rows));
                } else {
                    table.print(System.out);
                }
            }
            return 0;
        }
    }

    @Command(name = "flush", description = "Try the waiting mail now (for one destination, as queue list names it, or all).")
    static final class Flush implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Parameters(paramLabel = "DESTINATION", arity = "0..1", description = "one destination; default: all")
        String destination;

        @Override
        public Integer call() throws Exception {
            try (AdminSession session = open(common)) {
                Instant now = Clock.systemUTC().instant();
                int flushed = 0;
                for (QueueTable queue : QUEUES) {
                    flushed += session.database().inTransaction(c ->
                            QueuedDestinations.flush(c, queue, Optional.ofNullable(destination), now));
                }
                System.out.println(flushed + " waiting envelopes due now"
                        + (destination == null ? "" : " for " + destination)
                        + (flushed == 0 ? " (nothing was waiting for a later attempt; see queue list)" : ""));
            }
            return 0;
        }
    }

    private static AdminSession open(CommonOptions common) throws Exception {
        AdminSession session = new AdminSession(common.configuration());
        try {
            session.relay(); // the transport's schema
            session.database().migrate(LegacySchema.SCHEMA);
            return session;
        } catch (Exception | Error e) {
            session.close();
            throw e;
        }
    }

    /** Rounded for a person: 42 s, 17 min, 3 h, 2 d. */
    static String age(Instant from, Instant to) {
        Duration d = Duration.between(from, to);
        if (d.isNegative() || d.toSeconds() < 120) {
            return Math.max(0, d.toSeconds()) + " s";
        }
        return d.toMinutes() < 120 ? d.toMinutes() + " min" : d.toHours() < 48 ? d.toHours() + " h" : d.toDays() + " d";
    }

    private static Map<String, Object> fields(QueueTable queue, QueuedDestinations.Destination d) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("queue", queue.label());
        f.put("destination", d.destination());
        f.put("waiting", d.pending());
        f.put("oldest", d.oldest().toString());
        f.put("next_attempt", d.nextAttempt().toString());
        f.put("attempts", d.attempts());
        f.put("last_error", d.lastError());
        return f;
    }
}
