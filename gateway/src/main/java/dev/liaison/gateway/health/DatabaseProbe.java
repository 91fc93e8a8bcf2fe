package dev.liaison.gateway.health;

import dev.liaison.gateway.Limits;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.SqlStates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks the database short questions for the health check and the metrics, never waiting longer
 * than a timeout: when PostgreSQL is gone the pool would make a caller wait its whole connection
 * timeout (10 s), longer than a load balancer's or Prometheus's patience, and would hold one of
 * the listener's threads meanwhile.
 *
 * <p>Questions run on one thread of their own, in a transaction with the same statement timeout,
 * so at most one connection is ever busy with probing; the few questions queued behind a stuck
 * one are bounded ({@link Limits#DATABASE_PROBE_QUEUE}), and more are answered "busy" at once.
 */
public final class DatabaseProbe implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseProbe.class);

    private final Database database;
    private final Duration timeout;
    private final ThreadPoolExecutor thread;

    public DatabaseProbe(Database database, Duration timeout) {
        this.database = database;
        this.timeout = timeout;
        this.thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(Limits.DATABASE_PROBE_QUEUE), r -> {
                    Thread t = new Thread(r, "database-probe");
                    t.setDaemon(true);
                    return t;
                });
    }

    /** Runs {@code question} in one short transaction, waiting at most the timeout for it. */
    public <T> Answer<T> ask(Database.TransactionalWork<T, SQLException> question) {
        Future<T> answer;
        try {
            // half the patience for a connection: a refusal comes back with its cause before ours runs out
            answer = thread.submit(() -> database.inTransaction(timeout.dividedBy(2), c -> {
                try (var s = c.createStatement()) {
                    s.execute("SET LOCAL statement_timeout = " + timeout.toMillis());
                }
                return question.run(c);
            }));
        } catch (RejectedExecutionException e) {
            return new Answer.Failed<>("the database has not answered earlier checks yet");
        }
        try {
            return new Answer.Answered<>(answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            answer.cancel(true); // interrupts a wait for a pooled connection
            return timedOut();
        } catch (ExecutionException e) {
            if (SqlStates.isQueryCanceled(e.getCause())) {
                return timedOut(); // the server's timeout fired before ours: the same answer, whichever came first
            }
            LOG.debug("Database probe failed", e.getCause());
            return new Answer.Failed<>(unavailable(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer.Failed<>("interrupted while waiting for the database");
        }
    }

    /**
     * Why the probe got no answer, in one line naming no host, user or password (the driver's and
     * the server's messages may name them: only the SQL state and the network error's kind are
     * given). The pool's wait for a connection ended with the last refused attempt: the database
     * refuses connections; or with none (every connection busy, or attempts that hang): it did not
     * answer in time. Else the question failed on a connection it had (one the server ended, say).
     */
    private String unavailable(Throwable failure) {
        Throwable noConnection = failure;
        while (noConnection != null && !(noConnection instanceof SQLTransientConnectionException)) {
            noConnection = noConnection.getCause();
        }
        if (noConnection != null && noConnection.getCause() == null) {
            return late();
        }
        return noConnection != null
                ? "the database refuses connections (" + kind(noConnection.getCause()) + ")" + loginHint(noConnection.getCause())
                : "the database is unavailable (" + kind(failure) + ")";
    }

    /** The first SQL state in {@code failure}'s causes, and the kind of network error at their root. */
    private static String kind(Throwable failure) {
        String state = null;
        Throwable root = failure;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (state == null && t instanceof SQLException sql && sql.getSQLState() != null) {
                state = "SQL state " + sql.getSQLState();
            }
            root = t;
        }
        if (state == null) {
            return root.getClass().getSimpleName();
        }
        return root instanceof java.io.IOException ? state + ", " + root.getClass().getSimpleName() : state;
    }

    private static String loginHint(Throwable refused) {
        return kind(refused).startsWith("SQL state 28") ? "; the login was refused: check database.user and"
                + " database.password" : "";
    }

    private <T> Answer<T> timedOut() {
        return new Answer.Failed<>(late());
    }

    private String late() {
        return "the database did not answer within " + timeout.toMillis() + " ms";
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }

    /** The database's answer, or why there is none. */
    public sealed interface Answer<T> {

        record Answered<T>(T value) implements Answer<T> {
        }

        /** @param reason one line for an operator, naming no host, user or password */
        record Failed<T>(String reason) implements Answer<T> {
        }
    }
}
