package dev.liaison.gateway.load;

import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.DatabaseLocation;
import dev.liaison.mapping.database.PoolSettings;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What one round trip to PostgreSQL costs on this machine, in CPU of the backend and of the
 * calling Java thread (through HikariCP and the JDBC driver, as the gateway calls it): the price
 * of every statement on the path of a message, whatever the statement does. Runs against a fresh
 * embedded PostgreSQL like the gateway's ({@code fsync} and {@code synchronous_commit} on).
 *
 * <p>Usage: {@code gateway/src/test/scripts/bench-round-trip.sh [calls per case]}
 */
public final class RoundTripCost {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private RoundTripCost() {
    }

    /** One measured case: {@code call} is run {@code n} times on {@code c}. */
    @FunctionalInterface
    private interface Call {
        void run(Connection c, int i) throws SQLException;
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        Path dir = Files.createTempDirectory("round-trip");
        try (Database db = Database.openOwned(new DatabaseLocation.Embedded(dir), PoolSettings.forCommand());
             Connection c = db.dataSource().getConnection()) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (id int PRIMARY KEY, v int NOT NULL)");
                s.execute("INSERT INTO t SELECT g, 0 FROM generate_series(1, 100) g");
            }
            long backend = backendPid(c);
            for (int round = 1; round <= 2; round++) { // the first round warms the JIT up
                System.out.println("round " + round + " (" + n + " calls per case; CPU per call)");
                measure(c, backend, n, "SELECT 1", (con, i) -> query(con, "SELECT 1", 0));
                measure(c, backend, n, "primary-key look-up", (con, i) -> query(con, "SELECT v FROM t WHERE id = ?", i));
                measure(c, backend, n, "look-up in BEGIN … COMMIT", (con, i) -> {
                    con.setAutoCommit(false);
                    query(con, "SELECT v FROM t WHERE id = ?", i);
                    con.commit();
                    con.setAutoCommit(true);
                });
                measure(c, backend, n / 10, "UPDATE, durable commit", (con, i) ->
                        query(con, "UPDATE t SET v = v + 1 WHERE id = ? RETURNING v", i));
                measure(c, backend, n / 10, "UPDATE, relaxed in RETURNING", (con, i) -> query(con,
                        "UPDATE t SET v = v + 1 WHERE id = ? RETURNING set_config('synchronous_commit', 'off', true)", i));
            }
        }
    }

    private static void measure(Connection c, long backend, int n, String label, Call call) throws Exception {
        ProcessTree server = new ProcessTree("backend", java.util.List.of(backend));
        double b0 = server.sample().cpuSeconds(); // clock ticks: run enough calls for 10 ms to be noise
        long j0 = THREADS.getCurrentThreadCpuTime();
        long w0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            call.run(c, i);
        }
        long wall = System.nanoTime() - w0;
        double backendMicros = (server.sample().cpuSeconds() - b0) * 1e6 / n;
        double javaMicros = (THREADS.getCurrentThreadCpuTime() - j0) / 1e3 / n;
        System.out.printf("  %-30s backend %6.1f µs   Java thread %6.1f µs   wall %6.1f µs%n", label, backendMicros,
                javaMicros, wall / 1e3 / n);
    }

    private static void query(Connection c, String sql, int i) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            if (sql.contains("?")) {
                s.setInt(1, 1 + i % 100);
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
            }
        }
    }

    private static long backendPid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
