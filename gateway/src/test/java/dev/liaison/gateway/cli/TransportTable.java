package dev.liaison.gateway.cli;

import dev.liaison.mapping.database.DatabaseLocation;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;

/**
 * A gateway's transport queue ({@code transport.outbound}) or store ({@code transport.inbound}),
 * read directly in a test: how many envelopes are in which state, how often they were tried.
 *
 * @param table {@code outbound} or {@code inbound}
 */
record TransportTable(DatabaseLocation.External database, String table) {

    TransportTable {
        if (!table.equals("outbound") && !table.equals("inbound")) {
            throw new IllegalArgumentException("no transport table " + table);
        }
    }

    /** Rows matching an SQL condition written by the test (never input from elsewhere). */
    long count(String condition) throws SQLException {
        try (Connection c = connect(); var s = c.createStatement();
             var r = s.executeQuery("SELECT count(*) FROM transport." + table + " WHERE " + condition)) {
            r.next();
            return r.getLong(1);
        }
    }

    /** The highest row id so far, 0 when empty: rows added later have higher ids. */
    long lastId() throws SQLException {
        try (Connection c = connect(); var s = c.createStatement();
             var r = s.executeQuery("SELECT coalesce(max(id), 0) FROM transport." + table)) {
            r.next();
            return r.getLong(1);
        }
    }

    Map<String, Long> states() throws SQLException {
        Map<String, Long> states = new TreeMap<>();
        try (Connection c = connect(); var s = c.createStatement();
             var r = s.executeQuery("SELECT state, count(*) FROM transport." + table + " GROUP BY state")) {
            while (r.next()) {
                states.put(r.getString(1), r.getLong(2));
            }
        }
        return states;
    }

    private Connection connect() throws SQLException {
        return connectWhenStarted(database);
    }

    /**
     * A connection to {@code database}, which its gateway may still be restarting after a SIGKILL of
     * it or of the gateway (PostgreSQL answers 57P03, "the database system is starting up", while it
     * recovers; on a loaded machine a test once asked in that window).
     */
    static Connection connectWhenStarted(DatabaseLocation.External database) throws SQLException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (true) {
            try {
                return DriverManager.getConnection(database.url(), database.user(), database.password());
            } catch (SQLException e) {
                if (!"57P03".equals(e.getSQLState()) || System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
