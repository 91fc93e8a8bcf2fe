package dev.liaison.gateway.health;

import dev.liaison.gateway.Limits;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.SqlStates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
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
            answer = thread.submit(() -> database.inTransaction(c -> {
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
            return new Answer.Failed<>("the database is unavailable (" + e.getCause().getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer.Failed<>("interrupted while waiting for the database");
        }
    }

    private <T> Answer<T> timedOut() {
        return new Answer.Failed<>("the database did not answer within " + timeout.toMillis() + " ms");
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
