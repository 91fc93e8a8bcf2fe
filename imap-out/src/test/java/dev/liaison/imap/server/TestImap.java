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
    private static final java.util.concurrent.atomic.AtomicInteger USERS = new java.util.concurrent.atomic.AtomicInteger();

    final Map<String, String> users = new ConcurrentHashMap<>(Map.of("alice", PASSWORD, "bob", PASSWORD));
    private final boolean ownsDatabase;
    private final ImapEvents events;
    private final AccountCheck accounts;
    ImapService service;
    /** How long a connection may take to log in (short for the test of that deadline). */
    private java.time.Duration loginTimeout = Limits.LOGIN_TIMEOUT;

    private TestImap(Database database, boolean ownsDatabase) throws ImapStartException {
        this(database, ownsDatabase, ImapEvents.NONE, null);
    }

    /** {@code accounts} null: no account checks. */
    private TestImap(Database database, boolean ownsDatabase, ImapEvents events, AccountCheck accounts)
            throws ImapStartException {
        this.database = database;
        this.ownsDatabase = ownsDatabase;
        this.events = events;
        this.accounts = accounts;
        database.migrate(new Schema(ImapService.SCHEMA, ImapService.MIGRATIONS));
        start();
    }

    static TestImap start(TestPostgres kind) throws ImapStartException {
        return new TestImap(kind.freshDatabase(), true);
    }

    /** A service on a fresh database reporting to {@code events}. */
    static TestImap observed(TestPostgres kind, ImapEvents events) throws ImapStartException {
        return new TestImap(kind.freshDatabase(), true, events, null);
    }

    /**
     * A service on a fresh database whose sessions ask every {@code interval} (by {@code clock} on
     * commands) whether their user is still in {@link #users}: removing a user disables it.
     */
    static TestImap checkingAccounts(TestPostgres kind, java.time.Duration interval, java.time.Clock clock)
            throws ImapStartException {
        TestImap[] imap = new TestImap[1];
        AccountCheck accounts = new AccountCheck(user -> {
            imap[0].onAccountCheck.accept(user);
            return imap[0].users.containsKey(user);
        }, interval, clock);
        imap[0] = new TestImap(kind.freshDatabase(), true, ImapEvents.NONE, accounts);
        return imap[0];
    }

    /** A service on a fresh database whose connections must log in within {@code loginTimeout}. */
    static TestImap withLoginTimeout(TestPostgres kind, java.time.Duration loginTimeout) throws ImapStartException {
        TestImap imap = new TestImap(kind.freshDatabase(), true);
        imap.loginTimeout = loginTimeout;
        imap.restart();
        return imap;
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
        service = ImapService.start(new ImapSettings("127.0.0.1", 0, 0, "imap.test", loginTimeout), database.dataSource(),
                accounts == null ? new ImapServices(this::authenticate, events)
                        : new ImapServices(this::authenticate, events).withAccountCheck(accounts),
                TestTls.get().server);
    }

    void restart() throws ImapStartException {
        service.close();
        start();
    }

    /** Set: the authenticator fails as gateway's does when the user database is down. */
    volatile boolean usersUnavailable;
    /** Runs as {@link #checkingAccounts}'s account check asks whether a user is active (a test may hold it there). */
    volatile java.util.function.Consumer<String> onAccountCheck = user -> { };

    private Optional<String> authenticate(String login, String password) throws java.sql.SQLException {
        if (usersUnavailable) {
            throw new java.sql.SQLException("Connection to localhost:5432 refused", "08001");
        }
        String user = login.toLowerCase(Locale.ROOT);
        return PASSWORD.equals(password) && users.containsKey(user) ? Optional.of(user) : Optional.empty();
    }

    /** A user no test has used yet, named {@code prefix} and a number, with {@link #PASSWORD}. */
    String newUser(String prefix) {
        String user = prefix + USERS.incrementAndGet();
        users.put(user, PASSWORD);
        return user;
    }

    /**
     * A new user (named {@code prefix} and a number) whose {@code folder} got {@code messages}
     * messages (UIDs 1..n), logged in over TLS with the folder selected and the messages of
     * {@code expungedUids} (a UID set) expunged by this session.
     */
    RawImap selectedAfterExpunging(String prefix, String folder, int messages, String expungedUids) throws Exception {
        String user = newUser(prefix);
        for (int i = 1; i <= messages; i++) {
            DeliveryHelper.deliver(this, user, folder, MailClient.simple("message " + i, "x"));
        }
        RawImap c = RawImap.tls(imapsPort());
        c.login(user);
        c.command("SELECT " + folder);
        c.command("UID STORE " + expungedUids + " +FLAGS.SILENT (\\Deleted)");
        if (!RawImap.last(c.command("EXPUNGE")).contains("OK")) {
            throw new AssertionError("EXPUNGE failed for " + user);
        }
        return c;
    }

    /**
     * Returns once {@code transactions} statements of this database wait for a lock (a test holds a
     * row lock to keep a race open); fails after 30 s.
     */
    void waitUntilWaitingForLocks(int transactions) throws Exception {
        for (int i = 0; i < 300; i++) {
            try (java.sql.Connection c = database.dataSource().getConnection();
                 java.sql.ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM pg_stat_activity"
                         + " WHERE datname = current_database() AND wait_event_type = 'Lock'")) {
                rs.next();
                if (rs.getInt(1) >= transactions) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError(transactions + " statements were not seen waiting for a lock within 30 s");
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
