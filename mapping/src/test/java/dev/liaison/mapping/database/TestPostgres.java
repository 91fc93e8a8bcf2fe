package dev.liaison.mapping.database;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The PostgreSQL servers store tests run against: always an embedded PostgreSQL (one per test
 * JVM), and also the server named by {@code LIAISON_TEST_JDBC_URL} when it is set (CI sets it to
 * the distribution's PostgreSQL). Every {@link #freshDatabase()} is a new, empty database, so
 * tests never see each other's rows.
 *
 * <p>Use as {@code @ParameterizedClass @MethodSource("dev.liaison.mapping.database.TestPostgres#available")}
 * or in a {@code @ParameterizedTest}.
 */
public enum TestPostgres {
    EMBEDDED, EXTERNAL;

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static volatile EmbeddedPostgresServer.Endpoint embedded;

    public static List<TestPostgres> available() {
        List<TestPostgres> kinds = new ArrayList<>(List.of(EMBEDDED));
        if (externalUrl() != null) {
            kinds.add(EXTERNAL);
        }
        return kinds;
    }

    /** A new empty database on this server; close the returned {@link Database} when done. */
    public Database freshDatabase() {
        return Database.open(freshLocation(), new PoolSettings("test", 8, Duration.ofSeconds(10)));
    }

    /** Where a new empty database on this server is, for code that opens its own pool. */
    public DatabaseLocation.External freshLocation() {
        String name = "t" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet() + "_"
                + Long.toHexString(System.nanoTime() & 0xffffff);
        DatabaseLocation.External admin = adminLocation();
        try (Connection c = DriverManager.getConnection(admin.url(), admin.user(), admin.password());
             var s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database on " + this + ": " + e.getMessage(), e);
        }
        String url = admin.url().replaceFirst("/[^/?]*(\\?.*)?$", "/" + name + "$1");
        return new DatabaseLocation.External(url, admin.user(), admin.password());
    }

    /**
     * Makes the database at {@code db} (one {@link #freshLocation} gave) refuse every connection, its
     * open ones ended, or take them again: the database gone under a running gateway, and back.
     */
    public static void allowConnections(DatabaseLocation.External db, boolean allowed) throws SQLException {
        String name = db.url().replaceFirst("^.*/([^/?]+)(\\?.*)?$", "$1");
        String admin = db.url().replaceFirst("/[^/?]+(\\?.*)?$", "/postgres$1");
        try (Connection c = DriverManager.getConnection(admin, db.user(), db.password()); var s = c.createStatement()) {
            s.execute("ALTER DATABASE " + name + " WITH ALLOW_CONNECTIONS " + allowed);
            if (!allowed) {
                s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name + "'");
            }
        }
    }

    /**
     * Whether this server can compress stored values with lz4: a build option, which Debian's
     * PostgreSQL has and the embedded one lacks. Migrations choose how messages are stored by it.
     */
    public boolean hasLz4() {
        DatabaseLocation.External admin = adminLocation();
        try (Connection c = DriverManager.getConnection(admin.url(), admin.user(), admin.password());
             var s = c.createStatement();
             var rs = s.executeQuery("SELECT 'lz4' = ANY (enumvals) FROM pg_settings"
                     + " WHERE name = 'default_toast_compression'")) {
            rs.next();
            return rs.getBoolean(1);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot ask " + this + " for its compression methods: " + e.getMessage(), e);
        }
    }

    private DatabaseLocation.External adminLocation() {
        if (this == EXTERNAL) {
            String url = externalUrl();
            if (url == null) {
                throw new IllegalStateException("LIAISON_TEST_JDBC_URL is not set");
            }
            return new DatabaseLocation.External(url, env("LIAISON_TEST_JDBC_USER", "postgres"),
                    env("LIAISON_TEST_JDBC_PASSWORD", ""));
        }
        EmbeddedPostgresServer.Endpoint endpoint = embeddedEndpoint();
        return new DatabaseLocation.External(endpoint.jdbcUrl("postgres"), EmbeddedPostgresServer.SUPERUSER,
                endpoint.password());
    }

    private static synchronized EmbeddedPostgresServer.Endpoint embeddedEndpoint() {
        if (embedded == null) {
            try {
                Path dir = Files.createTempDirectory("liaison-test-pg");
                embedded = EmbeddedPostgresServer.acquire(dir, EmbeddedPostgresServer.Ownership.REQUIRED,
                        Duration.ofSeconds(30));
                relaxCommits(embedded);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    EmbeddedPostgresServer.release(dir);
                    deleteQuietly(dir);
                }));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return embedded;
    }

    /**
     * The embedded server flushes every commit to disk, as production must; tests crash no server,
     * so their sessions need not wait for the flush (the role's setting beats the server's).
     */
    private static void relaxCommits(EmbeddedPostgresServer.Endpoint endpoint) {
        try (Connection c = DriverManager.getConnection(endpoint.jdbcUrl("postgres"), EmbeddedPostgresServer.SUPERUSER,
                endpoint.password()); var s = c.createStatement()) {
            s.execute("ALTER ROLE " + EmbeddedPostgresServer.SUPERUSER + " SET synchronous_commit = off");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot configure the test server: " + e.getMessage(), e);
        }
    }

    private static String externalUrl() {
        String url = System.getenv("LIAISON_TEST_JDBC_URL");
        return url == null || url.isBlank() ? null : url;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : value;
    }

    private static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory; the OS cleans it eventually
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
