package dev.liaison.imap.server;

import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.Schema;
import dev.liaison.mapping.database.TestPostgres;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A running IMAP service on a fresh database with users whose passwords are known to the test.
 * Logins are case-insensitive: the canonical user name is the lower-cased login.
 */
final class TestImap implements AutoCloseable {

    static final String PASSWORD = "correct horse battery staple";

    final Database database;
    final Map<String, String> users = new ConcurrentHashMap<>(Map.of("alice", PASSWORD, "bob", PASSWORD));
    private final boolean ownsDatabase;
    private final ImapEvents events;
    ImapService service;

    private TestImap(Database database, boolean ownsDatabase) throws ImapStartException {
        this(database, ownsDatabase, ImapEvents.NONE);
    }

    private TestImap(Database database, boolean ownsDatabase, ImapEvents events) throws ImapStartException {
        this.database = database;
        this.ownsDatabase = ownsDatabase;
        this.events = events;
        database.migrate(new Schema(ImapService.SCHEMA, ImapService.MIGRATIONS));
        start();
    }

    static TestImap start(TestPostgres kind) throws ImapStartException {
        return new TestImap(kind.freshDatabase(), true);
    }

    /** A service on a fresh database reporting to {@code events}. */
    static TestImap observed(TestPostgres kind, ImapEvents events) throws ImapStartException {
        return new TestImap(kind.freshDatabase(), true, events);
    }

    /** A service on {@code database}, which the returned instance closes. */
    static TestImap owning(Database database) throws ImapStartException {
        return new TestImap(database, true);
    }

    /** A second server process's worth of IMAP on the same database. */
    static TestImap sharing(Database database) throws ImapStartException {
        return new TestImap(database, false);
    }

    void start() throws ImapStartException {
        service = ImapService.start(new ImapSettings("127.0.0.1", 0, 0, "imap.test"), database.dataSource(),
                new ImapServices(this::authenticate, events), TestTls.get().server);
    }

    void restart() throws ImapStartException {
        service.close();
        start();
    }

    private Optional<String> authenticate(String login, String password) {
        String user = login.toLowerCase(Locale.ROOT);
        return PASSWORD.equals(password) && users.containsKey(user) ? Optional.of(user) : Optional.empty();
    }

    int imapPort() {
        return service.imapPort();
    }

    int imapsPort() {
        return service.imapsPort();
    }

    @Override
    public void close() {
        service.close();
        if (ownsDatabase) {
            database.close();
        }
    }
}
