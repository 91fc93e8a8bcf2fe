package dev.liaison.gateway.transport;

import dev.liaison.mapping.database.Database;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Wakes a queue's workers as soon as work may be waiting: on a PostgreSQL {@code NOTIFY} on one
 * channel (sent by whoever commits a row, in any process sharing the database) and on an
 * in-process {@link #signal()} (a delivery slot came free).
 *
 * <p>PostgreSQL delivers a notification only when the notifying transaction commits, so a woken
 * worker always finds the committed row; that is why producers notify inside their transaction
 * rather than signalling in-process. One pooled connection is held for LISTEN; while it is broken
 * the workers still poll, so a lost notification delays work by at most one poll interval.
 */
public final class QueueWakeup implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(QueueWakeup.class);
    private static final Pattern CHANNEL = Pattern.compile("[a-z_]{1,40}");
    /** How long one wait for notifications blocks; bounds the delay of {@link #close()}. */
    private static final int LISTEN_SLICE_MILLIS = 200;
    private static final Duration RECONNECT_DELAY = Duration.ofSeconds(1);

    private final Database database;
    private final String channel;
    private final Thread listener;
    private volatile boolean closed;
    private boolean signalled;

    private QueueWakeup(Database database, String channel) {
        this.database = database;
        this.channel = channel;
        this.listener = new Thread(this::listen, "transport-listen-" + channel);
        this.listener.setDaemon(true);
    }

    /** Starts listening on {@code channel} (lower-case letters and '_'). */
    public static QueueWakeup listen(Database database, String channel) {
        if (!CHANNEL.matcher(channel).matches()) {
            throw new IllegalArgumentException("notification channel '" + channel + "' must match " + CHANNEL);
        }
        QueueWakeup wakeup = new QueueWakeup(database, channel);
        wakeup.listener.start();
        return wakeup;
    }

    /** Sends a notification on {@code channel}, delivered to every listener when the caller's transaction commits. */
    public static void notifyOnCommit(Connection connection, String channel) throws SQLException {
        try (var s = connection.prepareStatement("SELECT pg_notify(?, '')")) {
            s.setString(1, channel);
            s.execute();
        }
    }

    /** Wakes a waiting worker now. */
    public synchronized void signal() {
        signalled = true;
        notifyAll();
    }

    /** Waits until signalled or {@code timeout} passed; returns whether a signal arrived. */
    public synchronized boolean await(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!signalled) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return false;
            }
            wait(Math.max(1, remaining / 1_000_000));
        }
        signalled = false;
        return true;
    }

    private void listen() {
        while (!closed) {
            try (Connection c = database.dataSource().getConnection()) {
                c.setAutoCommit(true);
                execute(c, "LISTEN " + channel);
                signal(); // anything committed while we were not listening
                try {
                    receive(c.unwrap(PGConnection.class));
                } finally {
                    execute(c, "UNLISTEN " + channel); // the connection goes back to the pool
                }
            } catch (SQLException | RuntimeException e) {
                if (!closed) {
                    LOG.warn("Listening for {} failed ({}); polling until it reconnects", channel, e.getMessage());
                    pause();
                }
            }
        }
    }

    private void receive(PGConnection connection) throws SQLException {
        while (!closed) {
            var notifications = connection.getNotifications(LISTEN_SLICE_MILLIS);
            if (notifications != null && notifications.length > 0) {
                signal();
            }
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private void pause() {
        try {
            Thread.sleep(RECONNECT_DELAY.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    @Override
    public void close() {
        closed = true;
        signal();
        try {
            listener.join(Duration.ofSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
