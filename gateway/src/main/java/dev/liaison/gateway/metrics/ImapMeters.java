package dev.liaison.gateway.metrics;

import dev.liaison.gateway.Limits;
import dev.liaison.imap.server.ImapAuthenticator;
import dev.liaison.imap.server.ImapEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * IMAP's events as Micrometer meters: connections, logins, and one timer per command name (its
 * count is the number of commands). Names come from James's fixed command table; should more than
 * {@link Limits#MAX_METRIC_IMAP_COMMANDS} ever appear, the rest share {@code command="OTHER"}.
 */
final class ImapMeters implements ImapEvents {

    private static final String OTHER = "OTHER";
    /**
     * The commands of RFC 3501 and the extensions announced, registered at start so that their
     * series exist at 0 before the first one is answered: a rate over a series that appears only
     * with its first command misses that command, and an alert on "no FETCH answered" has nothing
     * to read on a fresh gateway.
     */
    private static final String[] KNOWN = {"CAPABILITY", "NOOP", "LOGOUT", "STARTTLS", "AUTHENTICATE", "LOGIN",
        "SELECT", "EXAMINE", "CREATE", "DELETE", "RENAME", "SUBSCRIBE", "UNSUBSCRIBE", "LIST", "LSUB", "STATUS",
        "APPEND", "CHECK", "CLOSE", "EXPUNGE", "SEARCH", "FETCH", "STORE", "COPY", "MOVE", "IDLE", "NAMESPACE",
        "ID", "ENABLE", "UNSELECT"};

    private final MeterRegistry registry;
    private final Counter connections;
    private final AtomicInteger open;
    private final ConcurrentMap<String, Timer> commands = new ConcurrentHashMap<>();
    private final Counter loginsSucceeded;
    private final Counter loginsRefused;

    ImapMeters(MeterRegistry registry) {
        this.registry = registry;
        connections = Counter.builder("liaison.imap.connections").description("IMAP connections opened")
                .register(registry);
        open = new AtomicInteger();
        Gauge.builder("liaison.imap.connections.open", open, AtomicInteger::get).description("IMAP connections open now")
                .register(registry);
        loginsSucceeded = logins(registry, "succeeded");
        loginsRefused = logins(registry, "refused");
        for (String command : KNOWN) {
            commands.put(command, timer(command));
        }
    }

    private static Counter logins(MeterRegistry registry, String outcome) {
        return Counter.builder("liaison.imap.logins")
                .description("IMAP LOGIN and AUTHENTICATE attempts by outcome (refused: wrong credentials; a login that could not be checked is not counted)")
                .tag("outcome", outcome).register(registry);
    }

    /** {@code authenticator}, counting its answers (a failure to answer passes through uncounted). */
    ImapAuthenticator counting(ImapAuthenticator authenticator) {
        return (login, password) -> {
            Optional<String> user = authenticator.authenticate(login, password);
            (user.isPresent() ? loginsSucceeded : loginsRefused).increment();
            return user;
        };
    }

    @Override
    public void connectionOpened() {
        connections.increment();
        open.incrementAndGet();
    }

    @Override
    public void connectionClosed() {
        open.decrementAndGet();
    }

    @Override
    public void commandAnswered(String command, long nanos) {
        Timer timer = commands.get(command);
        if (timer == null) {
            timer = commands.computeIfAbsent(commands.size() < Limits.MAX_METRIC_IMAP_COMMANDS ? command : OTHER,
                    this::timer);
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    private Timer timer(String command) {
        return Timer.builder("liaison.imap.commands").description("IMAP commands answered, by command")
                .tag("command", command).register(registry);
    }
}
