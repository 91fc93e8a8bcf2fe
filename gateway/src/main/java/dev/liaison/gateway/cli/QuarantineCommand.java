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
import java.util.ArrayList;
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

    /** The most envelopes one listing shows: each is a line on the administrator's screen. */
    static final int MAX_LISTED = 10_000;

    @Command(name = "list", description = "List quarantined envelopes, oldest first (never their contents).")
    static final class ListQuarantined implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Option(names = "--json", description = "print a JSON array") boolean json;
        @Option(names = "--limit", defaultValue = "100", paramLabel = "N",
                description = "at most N envelopes, the oldest (default ${DEFAULT-VALUE}, at most " + MAX_LISTED + ")")
        int limit;

        @Override
        public Integer call() throws Exception {
            try (AdminSession session = new AdminSession(common.configuration())) {
                session.relay();
                InboundStore store = new InboundStore(Clock.systemUTC());
                int shown = Math.max(1, Math.min(limit, MAX_LISTED));
                List<QuarantinedEnvelope> all = session.database().inTransaction(c -> store.quarantined(c, shown));
                if (json) {
                    System.out.println(JsonOutput.array(all.stream().map(QuarantineCommand::fields).toList()));
                } else {
                    TextTable table = new TextTable("ENVELOPE", "RECEIVED", "OCTETS", "RELATIONSHIP", "REASON")
                            .alignRight(2, 3);
                    all.forEach(q -> table.row(q.id().value(), q.receivedAt(), q.size(), q.relationship().orElse(null),
                            q.reason()));
                    table.print(System.out);
                }
                if (all.size() == shown) {
                    long total = session.database().inTransaction(c -> store.backlog(c)).quarantined();
                    if (total > shown) {
                        // on stderr: the listing itself (and --json) stays what scripts parse
                        System.err.println("the " + shown + " oldest of " + total + " quarantined envelopes;"
                                + " --limit " + Math.min(total, MAX_LISTED) + " lists more");
                    }
                }
            }
            return 0;
        }
    }

    @Command(name = "release", description = "Process quarantined envelopes again (after fixing their cause).")
    static final class Release implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin Chosen chosen;

        @Override
        public Integer call() throws Exception {
            return act(common, chosen, InboundStore::release, "released");
        }
    }

    @Command(name = "drop", description = "Delete quarantined envelopes' bytes for good; their ids are remembered so a resend is not taken again.")
    static final class Drop implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin Chosen chosen;

        @Override
        public Integer call() throws Exception {
            return act(common, chosen, InboundStore::drop, "dropped");
        }
    }

    /** Which envelopes release and drop act on: those named, or every quarantined one. */
    static final class Chosen {
        @Parameters(paramLabel = "ENVELOPE", arity = "0..*", description = "envelope ids (see quarantine list)")
        List<String> envelopes = List.of();
        @Option(names = "--all", description = "every quarantined envelope") boolean all;
    }

    /** What release and drop do to one quarantined envelope. */
    private interface Action {
        boolean apply(InboundStore store, Connection c, EnvelopeId id) throws SQLException;
    }

    private static int act(CommonOptions common, Chosen chosen, Action action, String done) throws Exception {
        if (chosen.all == !chosen.envelopes.isEmpty()) {
            throw new InvalidInputException("name the envelopes (see quarantine list), or give --all; not both");
        }
        List<EnvelopeId> named = new ArrayList<>();
        for (String envelope : chosen.envelopes) {
            try {
                named.add(new EnvelopeId(envelope));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("'" + envelope + "' is not an envelope id (see quarantine list)");
            }
        }
        try (AdminSession session = new AdminSession(common.configuration())) {
            session.relay();
            InboundStore store = new InboundStore(Clock.systemUTC());
            // one transaction: a list with an id that is not quarantined changes nothing
            List<EnvelopeId> acted = session.database().inTransaction(c -> {
                List<EnvelopeId> ids = chosen.all
                        ? store.quarantined(c, Integer.MAX_VALUE).stream().map(QuarantinedEnvelope::id).toList() : named;
                for (EnvelopeId id : ids) {
                    if (!action.apply(store, c, id)) {
                        throw new InvalidInputException("envelope " + id.value()
                                + " is not quarantined (see quarantine list); nothing was " + done);
                    }
                }
                return ids;
            });
            acted.forEach(id -> System.out.println(id.value() + " " + done));
            if (chosen.all) {
                System.out.println(acted.size() + " envelopes " + done);
            }
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
