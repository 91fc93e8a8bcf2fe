package dev.liaison.gateway.transport;

import dev.liaison.mapping.database.Database;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Wakes a queue's workers as soon as work may be waiting: on a PostgreSQL {@code NOTIFY} on one
 * channel (sent by whoever commits a row, in any process sharing the database) and on an
 * in-process {@link #signal()} (a delivery slot came free).
 *
 * <p>PostgreSQL delivers a notification only when the notifying transaction commits, so a woken
 * worker always finds the committed row; a producer in the same process as a listener instead
 * wakes it directly once its transaction has committed ({@link Database#afterCommit}). One pooled connection is held for LISTEN; while it is broken
 * the workers still poll, so a lost notification delays work by at most one poll interval.
 *
 * <p>A notification may name a topic (the outbound queues name the destination), so a worker can
 * tell "new work for a destination whose slots are all busy" (nothing to do: a delivery in flight
 * takes it next) from work it must look for; see {@link #awaitWake}.
 */
public final class QueueWakeup implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(QueueWakeup.class);
    private static final Pattern CHANNEL = Pattern.compile("[a-z_]{1,40}");
    /** How long one wait for notifications blocks; bounds the delay of {@link #close()}. */
    private static final int LISTEN_SLICE_MILLIS = 200;
    private static final Duration RECONNECT_DELAY = Duration.ofSeconds(1);
    /** Topics remembered between two waits; beyond this many the worker just looks at everything. */
    private static final int MAX_TOPICS = 256;
    /** NOTIFY payloads are limited (8,000 bytes); a longer topic wakes the other processes without naming it. */
    private static final int MAX_NOTIFY_TOPIC_CHARS = 1000;

    /** The wake-ups listening in this process, by channel and database ({@link #localKey}). */
    private static final Map<String, Set<QueueWakeup>> LOCAL = new ConcurrentHashMap<>();

    private final Database database;
    private final String channel;
    private final String localKey;
    private final Thread listener;
    private volatile boolean closed;
    private boolean signalled;
    private final Set<String> topics = new HashSet<>();

    private QueueWakeup(Database database, String channel) {
        this.database = database;
        this.channel = channel;
        this.localKey = localKey(channel, database.jdbcUrl());
        this.listener = new Thread(this::listen, "transport-listen-" + channel);
        this.listener.setDaemon(true);
    }

    /** Starts listening on {@code channel} (lower-case letters and '_'). */
    public static QueueWakeup listen(Database database, String channel) {
        if (!CHANNEL.matcher(channel).matches()) {
            throw new IllegalArgumentException("notification channel '" + channel + "' must match " + CHANNEL);
        }
        QueueWakeup wakeup = new QueueWakeup(database, channel);
        LOCAL.computeIfAbsent(wakeup.localKey, k -> ConcurrentHashMap.newKeySet()).add(wakeup);
        wakeup.listener.start();
        return wakeup;
    }

    /**
     * Wakes the workers of {@code channel} when the caller's transaction commits: the ones in this
     * process directly, after the commit (no round trip through PostgreSQL and the listening
     * thread, which cost a few milliseconds on every message), or, if none listens here, every
     * process's through a NOTIFY. Other processes then find the work at their next poll.
     */
    public static void notifyOnCommit(Connection connection, String channel) throws SQLException {
        notifyOnCommit(connection, channel, "");
    }

    /** Like {@link #notifyOnCommit(Connection, String)}, naming what the work is for (a destination; "" for anything). */
    public static void notifyOnCommit(Connection connection, String channel, String topic) throws SQLException {
        Set<QueueWakeup> here = LOCAL.get(localKey(channel, connection.getMetaData().getURL()));
        if (here != null && !here.isEmpty()) {
            Database.afterCommit(connection, () -> here.forEach(w -> w.notified(topic)));
            return;
        }
        try (var s = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
            s.setString(1, channel);
            s.setString(2, topic.length() <= MAX_NOTIFY_TOPIC_CHARS ? topic : ""); // "": look at everything
            s.execute();
        }
    }

    /** A channel on one database: the JDBC URL the pool connects with names the database. */
    private static String localKey(String channel, String jdbcUrl) {
        return channel + " " + jdbcUrl;
    }

    /** Wakes a waiting worker now. */
    public synchronized void signal() {
        signalled = true;
        notifyAll();
    }

    /** Waits until signalled or notified, or {@code timeout} passed; returns whether anything arrived. */
    public boolean await(Duration timeout) throws InterruptedException {
        Wake wake = awaitWake(timeout);
        return !wake.timedOut();
    }

    /**
     * Waits like {@link #await} and says why it woke: a plain signal, a notification without a
     * topic or the time-out ask for a look at everything; notifications with topics name them.
     */
    public synchronized Wake awaitWake(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!signalled && topics.isEmpty()) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return Wake.TIMED_OUT;
            }
            wait(Math.max(1, remaining / 1_000_000));
        }
        Wake wake = signalled ? Wake.EVERYTHING : new Wake(false, false, Set.copyOf(topics));
        signalled = false;
        topics.clear();
        return wake;
    }

    private synchronized void notified(String topic) {
        if (topic.isEmpty() || topics.size() >= MAX_TOPICS) {
            signalled = true;
        } else {
            topics.add(topic);
        }
        notifyAll();
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
            if (notifications != null) {
                for (var n : notifications) {
                    notified(n.getParameter() == null ? "" : n.getParameter());
                }
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
        LOCAL.computeIfPresent(localKey, (k, set) -> {
            set.remove(this);
            return set.isEmpty() ? null : set;
        });
        closed = true;
        signal();
        try {
            listener.join(Duration.ofSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Why a wait ended.
     *
     * @param everything look for all due work (a signal, a notification without topic, or the time-out)
     * @param timedOut   nothing arrived within the time-out
     * @param topics     the topics notified, when not {@code everything}
     */
    public record Wake(boolean everything, boolean timedOut, Set<String> topics) {

        public static final Wake EVERYTHING = new Wake(true, false, Set.of());
        static final Wake TIMED_OUT = new Wake(true, true, Set.of());
    }
}
