package dev.liaison.gateway.cli;

import dev.liaison.gateway.transport.EnvelopeId;
import dev.liaison.gateway.transport.receive.InboundStore;
import dev.liaison.gateway.transport.receive.QuarantinedEnvelope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code liaison quarantine list|release|drop}: envelopes that arrived but did not open or verify.
 * They are kept (never delivered as garbage, never silently lost) until the administrator acts.
 */
@Command(name = "quarantine", description = "List received envelopes that failed to open; release one for another try, or drop it.",
        mixinStandardHelpOptions = true, subcommands = {QuarantineCommand.ListQuarantined.class, QuarantineCommand.Release.class,
                QuarantineCommand.Drop.class})
public final class QuarantineCommand {

    @Command(name = "list", description = "List quarantined envelopes, oldest first (never their contents).")
    static final class ListQuarantined implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Option(names = "--json", description = "print a JSON array") boolean json;
        @Option(names = "--limit", defaultValue = "100", paramLabel = "N") int limit;

        @Override
        public Integer call() throws Exception {
            try (AdminSession session = new AdminSession(common.configuration())) {
                session.relay();
                List<QuarantinedEnvelope> all = session.database().inTransaction(c ->
                        new InboundStore(Clock.systemUTC()).quarantined(c, Math.max(1, Math.min(limit, 10_000))));
                if (json) {
                    System.out.println(JsonOutput.array(all.stream().map(QuarantineCommand::fields).toList()));
                } else {
                    TextTable table = new TextTable("ENVELOPE", "RECEIVED", "OCTETS", "RELATIONSHIP", "REASON")
                            .alignRight(2, 3);
                    all.forEach(q -> table.row(q.id().value(), q.receivedAt(), q.size(), q.relationship().orElse(null),
                            q.reason()));
                    table.print(System.out);
                }
            }
            return 0;
        }
    }

    @Command(name = "release", description = "Process a quarantined envelope again (after fixing its cause).")
    static final class Release implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Parameters(paramLabel = "ENVELOPE") String envelope;

        @Override
        public Integer call() throws Exception {
            return act(common, envelope, InboundStore::release, "released");
        }
    }

    @Command(name = "drop", description = "Delete a quarantined envelope's bytes for good; its id is remembered so a resend is not taken again.")
    static final class Drop implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Parameters(paramLabel = "ENVELOPE") String envelope;

        @Override
        public Integer call() throws Exception {
            return act(common, envelope, InboundStore::drop, "dropped");
        }
    }

    /** What release and drop do to one quarantined envelope. */
    private interface Action {
        boolean apply(InboundStore store, Connection c, EnvelopeId id) throws SQLException;
    }

    private static int act(CommonOptions common, String envelope, Action action, String done) throws Exception {
        EnvelopeId id;
        try {
            id = new EnvelopeId(envelope);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("'" + envelope + "' is not an envelope id (see quarantine list)");
        }
        try (AdminSession session = new AdminSession(common.configuration())) {
            session.relay();
            InboundStore store = new InboundStore(Clock.systemUTC());
            if (!session.database().inTransaction(c -> action.apply(store, c, id))) {
                throw new InvalidInputException("envelope " + envelope + " is not quarantined (see quarantine list)");
            }
            System.out.println(envelope + " " + done);
        }
        return 0;
    }

    private static Map<String, Object> fields(QuarantinedEnvelope q) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("envelope", q.id().value());
        f.put("received", q.receivedAt().toString());
        f.put("failures", q.failures());
        f.put("octets", q.size());
        q.relationship().ifPresent(id -> f.put("relationship", id)); // absent when the address named none
        f.put("reason", q.reason());
        return f;
    }
}
