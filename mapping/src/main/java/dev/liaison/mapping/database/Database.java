package dev.liaison.mapping.database;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.MigrationVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Liaison's PostgreSQL: a HikariCP pool on the embedded or an external server, the modules'
 * migrations, and the one way to run a transaction.
 *
 * <p>Stores never commit: they take the caller's {@link Connection}. A service method runs its
 * whole state change inside {@link #inTransaction}, which commits once or rolls back.
 */
public final class Database implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    /** {@link #afterCommit} actions by the (pool proxy) connection of the transaction they wait for. */
    private static final Map<Connection, List<Runnable>> AFTER_COMMIT = new ConcurrentHashMap<>();
    private static final String EMBEDDED_DATABASE = "liaison";
    /** pgjdbc's {@code application_name} when none is set: the connections of servers before 2026-11-28. */
    private static final String UNNAMED_CLIENT = "PostgreSQL JDBC Driver";

    private final HikariDataSource pool;
    private final Runnable onClose;

    private Database(HikariDataSource pool, Runnable onClose) {
        this.pool = pool;
        this.onClose = onClose;
    }

    /** Opens the database for an admin command or a test: an embedded server may be shared. */
    public static Database open(DatabaseLocation location, PoolSettings settings) {
        return open(location, settings, EmbeddedPostgresServer.Ownership.SHARED);
    }

    /** Opens the database for {@code liaison serve}: an embedded server must be this process's own. */
    public static Database openOwned(DatabaseLocation location, PoolSettings settings) {
        return open(location, settings, EmbeddedPostgresServer.Ownership.REQUIRED);
    }

    private static Database open(DatabaseLocation location, PoolSettings settings,
                                 EmbeddedPostgresServer.Ownership ownership) {
        if (location instanceof DatabaseLocation.External external) {
            return connect(external.url(), external.user(), external.password(), settings, () -> { });
        }
        var embedded = (DatabaseLocation.Embedded) location;
        var endpoint = EmbeddedPostgresServer.acquire(embedded.dataDir(), ownership, Duration.ofSeconds(30));
        Runnable release = () -> EmbeddedPostgresServer.release(embedded.dataDir());
        try {
            ensureDatabase(endpoint);
            return connect(endpoint.jdbcUrl(EMBEDDED_DATABASE), EmbeddedPostgresServer.SUPERUSER,
                    endpoint.password(), settings, release);
        } catch (RuntimeException e) {
            release.run();
            throw e;
        }
    }

    private static void ensureDatabase(EmbeddedPostgresServer.Endpoint endpoint) {
        try (Connection c = java.sql.DriverManager.getConnection(endpoint.jdbcUrl("postgres"),
                EmbeddedPostgresServer.SUPERUSER, endpoint.password());
             var s = c.createStatement();
             var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + EMBEDDED_DATABASE + "'")) {
            if (!rs.next()) {
                s.execute("CREATE DATABASE " + EMBEDDED_DATABASE + " ENCODING 'UTF8'");
            }
        } catch (SQLException e) {
            if (!"42P04".equals(e.getSQLState())) { // created meanwhile by another process: fine
                throw new DatabaseUnavailableException("cannot prepare the embedded database: " + e.getMessage(), e);
            }
        }
    }

    private static Database connect(String url, String user, String password, PoolSettings settings,
                                    Runnable onClose) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(settings.poolName());
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(settings.maximumPoolSize());
        config.setMinimumIdle(Math.min(2, settings.maximumPoolSize()));
        config.setConnectionTimeout(settings.connectionTimeout().toMillis());
        config.setInitializationFailTimeout(settings.connectionTimeout().toMillis());
        config.setAutoCommit(true);
        // A refused row's values (a password hash, message text) stay out of exceptions and so out of logs and CLI output.
        config.addDataSourceProperty("logServerErrorDetail", "false");
        // pg_stat_activity names each connection's pool (liaison for serve, liaison-cli for a command):
        // restore refuses a database that a server is connected to
        config.addDataSourceProperty("ApplicationName", settings.poolName());
        try {
            return new Database(new HikariDataSource(config), onClose);
        } catch (RuntimeException e) {
            throw new DatabaseUnavailableException("database unreachable at " + DatabaseLocation.External.shown(url) + ": "
                    + rootMessage(e) + " (check database.url, database.user, database.password)", e);
        }
    }

    /**
     * Brings {@code schema} to its newest version; safe to call from several processes at once.
     * Refuses a schema that a newer release migrated further than this one knows: Flyway would only
     * warn, and this release's code would then write rows the newer schema's constraints and readers
     * do not expect (a downgrade is not supported; the newer release, or the backup taken before the
     * upgrade, is the way back).
     */
    public void migrate(Schema schema) {
        try {
            Flyway flyway = flyway(schema);
            MigrationInfoService info = flyway.info();
            refuseNewer(schema, info);
            if (info.pending().length > 0 && PoolSettings.COMMAND.equals(pool.getPoolName())) {
                refuseUnderServer(schema, info);
            }
            var result = flyway.migrate();
            if (result.migrationsExecuted > 0) {
                LOG.info("Schema {} migrated to version {} ({} migrations)", schema.name(),
                        result.targetSchemaVersion, result.migrationsExecuted);
            }
        } catch (FlywayException e) {
            throw new DatabaseUnavailableException("cannot migrate schema " + schema.name() + ": "
                    + rootMessage(e), e);
        }
    }

    /**
     * Brings {@code schema} to {@code version} of this release's migrations, not further: a restore
     * loads a backup an earlier release took into the tables as that release had them, then
     * {@link #migrate}s the rest of the way, as an upgrade of that release would.
     */
    public void migrateTo(Schema schema, String version) {
        try {
            Flyway flyway = Flyway.configure().configuration(flyway(schema).getConfiguration()).target(version).load();
            refuseNewer(schema, flyway.info());
            flyway.migrate();
        } catch (FlywayException e) {
            throw new DatabaseUnavailableException("cannot migrate schema " + schema.name() + " to version " + version
                    + ": " + rootMessage(e), e);
        }
    }

    /** The version {@code schema} has in this database; empty when it has none (not made, or no migration applied). */
    public java.util.Optional<String> currentVersion(Schema schema) {
        try {
            MigrationInfo current = flyway(schema).info().current();
            return current == null || current.getVersion() == null ? java.util.Optional.empty()
                    : java.util.Optional.of(current.getVersion().toString());
        } catch (FlywayException e) {
            throw new DatabaseUnavailableException("cannot read the version of schema " + schema.name() + ": "
                    + rootMessage(e), e);
        }
    }

    /** Flyway's order of two versions ({@code 1.10} after {@code 1.9}): negative, zero or positive. */
    public static int compareVersions(String a, String b) {
        return MigrationVersion.fromVersion(a).compareTo(MigrationVersion.fromVersion(b));
    }

    /**
     * The newest version of {@code schema} that this release's migrations make (what {@link #migrate}
     * brings it to), whatever version the database holds now; "none" if it has no migrations.
     */
    public String newestVersion(Schema schema) {
        try {
            return newestKnown(flyway(schema).info());
        } catch (FlywayException e) {
            throw new DatabaseUnavailableException("cannot read the migrations of schema " + schema.name() + ": "
                    + rootMessage(e), e);
        }
    }

    private Flyway flyway(Schema schema) {
        return Flyway.configure()
                .dataSource(pool)
                .schemas(schema.name())
                .createSchemas(true)
                .table("flyway_history")
                .locations(schema.locations())
                .validateMigrationNaming(true)
                .load();
    }

    private static String newestKnown(MigrationInfoService info) {
        return Arrays.stream(info.all())
                .filter(m -> m.getVersion() != null && m.getState() != MigrationState.FUTURE_SUCCESS)
                .map(m -> m.getVersion().toString()).reduce((a, b) -> b).orElse("none");
    }

    private static void refuseNewer(Schema schema, MigrationInfoService info) {
        boolean newer = Arrays.stream(info.applied()).anyMatch(m -> m.getState() == MigrationState.FUTURE_SUCCESS);
        if (newer) {
            String newest = newestKnown(info);
            throw new DatabaseUnavailableException("schema " + schema.name() + " is at version "
                    + info.current().getVersion() + ", newer than this release knows (its newest is " + newest
                    + "): a newer Liaison upgraded this database, and going back is not supported; run that"
                    + " newer release, or restore the backup taken before the upgrade");
        }
    }

    /**
     * An admin command of a newer release must not migrate a schema under a running server: the
     * server's code would go on writing rows the migrated schema no longer takes (an admin who put
     * the new release in place and ran {@code liaison user list} before restarting had every
     * invitation refused with a 451). The command cannot stop the server; the admin can.
     */
    private void refuseUnderServer(Schema schema, MigrationInfoService info) {
        long servers = inAutocommit(c -> {
            // by name: a server's pool, or the driver's default (releases before 2026-11-28 named none);
            // not by backend_type, which PostgreSQL hides from another role without pg_read_all_stats
            try (var s = c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    + " AND pid <> pg_backend_pid() AND application_name IN (?, ?)")) {
                s.setString(1, PoolSettings.SERVER);
                s.setString(2, UNNAMED_CLIENT);
                try (var rs = s.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
        if (servers > 0) {
            MigrationInfo current = info.current();
            throw new DatabaseUnavailableException("schema " + schema.name() + " is at version "
                    + (current == null ? "none" : current.getVersion()) + ", older than this release's "
                    + newestKnown(info) + ", and a liaison serve is connected to the database (" + servers
                    + " connections named " + PoolSettings.SERVER + " or " + UNNAMED_CLIENT + "), of an earlier"
                    + " release or one still starting: this command would migrate the schema under it. Stop that"
                    + " server and start this release's liaison serve (it migrates the database), then run the"
                    + " command again; or run the command with the release that is serving");
        }
    }

    /** Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. */
    public <T, X extends Exception> T inTransaction(TransactionalWork<T, X> work) throws X {
        return inTransaction(null, work);
    }

    /**
     * {@link #inTransaction}, waiting at most {@code connectionWait} (instead of the pool's
     * connection timeout) for a connection. For a caller with less patience than the pool (a
     * health check): when the database refuses connections, the pool's failure comes within that
     * wait with its cause, the last refused attempt (an {@link java.sql.SQLTransientConnectionException}
     * without one: every connection was busy), before the caller would have to give up knowing nothing.
     */
    public <T, X extends Exception> T inTransaction(java.time.Duration connectionWait, TransactionalWork<T, X> work)
            throws X {
        try (Connection c = connectionWait == null ? pool.getConnection()
                : ((com.zaxxer.hikari.pool.HikariPool) pool.getHikariPoolMXBean()).getConnection(connectionWait.toMillis())) {
            try {
                c.setAutoCommit(false);
                T result;
                try {
                    result = work.run(c);
                    c.commit();
                } catch (Exception | Error e) {
                    rollbackQuietly(c, e);
                    throw e;
                } finally {
                    c.setAutoCommit(true);
                }
                runAfterCommit(c);
                return result;
            } finally {
                AFTER_COMMIT.remove(c); // rolled back or failed: what waited for the commit is dropped
            }
        } catch (SQLException e) {
            throw DatabaseException.of("", e);
        }
    }

    /**
     * Runs {@code work} on a connection in autocommit mode: each statement is a transaction of its
     * own, with no BEGIN or COMMIT round trip. For work that is one statement, or whose statements
     * need not commit together.
     */
    public <T, X extends Exception> T inAutocommit(TransactionalWork<T, X> work) throws X {
        try (Connection c = pool.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw DatabaseException.of("", e);
        }
    }

    /**
     * Runs {@code action} on the committing thread once the {@link #inTransaction} transaction
     * that {@code c} belongs to has committed, and never if it rolls back; on a connection in
     * autocommit mode, at once. For in-process wake-ups that must not run before the commit they
     * announce (a NOTIFY does the same for other processes). An action that throws is logged: the
     * commit stands.
     */
    public static void afterCommit(Connection c, Runnable action) throws SQLException {
        if (c.getAutoCommit()) {
            action.run();
            return;
        }
        AFTER_COMMIT.computeIfAbsent(c, k -> new ArrayList<>(2)).add(action);
    }

    private static void runAfterCommit(Connection c) {
        List<Runnable> actions = AFTER_COMMIT.remove(c);
        if (actions == null) {
            return;
        }
        for (Runnable action : actions) {
            try {
                action.run();
            } catch (RuntimeException e) {
                LOG.warn("An action after a commit failed ({}); the commit stands", e.toString());
            }
        }
    }

    /**
     * Reports the pool's use (connections active, idle, pending; acquisition and usage times) to
     * {@code meterRegistry}, a Micrometer {@code MeterRegistry}. Typed {@code Object} as in
     * HikariCP's own {@code setMetricRegistry}, which this calls, so mapping needs no metrics
     * library. At most once per database.
     *
     * @throws IllegalStateException if called twice
     * @throws IllegalArgumentException if {@code meterRegistry} is no registry HikariCP knows
     */
    public void reportPoolTo(Object meterRegistry) {
        pool.setMetricRegistry(meterRegistry);
    }

    public DataSource dataSource() {
        return pool;
    }

    /** The JDBC URL the pool connects with (as its connections report it: names the database). */
    public String jdbcUrl() {
        return pool.getJdbcUrl();
    }

    @Override
    public void close() {
        pool.close();
        onClose.run();
    }

    private static void rollbackQuietly(Connection c, Throwable cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    /** A unit of work on one connection inside a transaction. */
    @FunctionalInterface
    public interface TransactionalWork<T, X extends Exception> {
        T run(Connection connection) throws X, SQLException;
    }
}
