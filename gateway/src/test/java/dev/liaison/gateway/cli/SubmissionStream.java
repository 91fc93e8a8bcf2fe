package dev.liaison.gateway.cli;

import jakarta.mail.MessagingException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A steady stream of messages from one user, one SMTP connection per message, each with a unique
 * subject ({@code prefix-n}), on its own thread. It records every subject it tried and every one
 * that got a {@code 250}; a message that failed is not sent again (a fresh one follows), so a
 * message submitted without a {@code 250} may or may not have been committed.
 */
final class SubmissionStream implements AutoCloseable {

    private static final long PAUSE_MILLIS = 120;
    private static final long PAUSE_AFTER_FAILURE_MILLIS = 250;

    private final MailClient client;
    private final String login;
    private final String password;
    private final String from;
    private final String to;
    private final String prefix;
    private final List<String> attempted = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final AtomicInteger failures = new AtomicInteger();
    private final Thread thread;
    private volatile boolean running = true;

    /** Where a stream sends, and as whom. */
    record Route(String login, String password, String from, String to) {
    }

    SubmissionStream(MailClient client, Route route, String prefix) {
        this.client = client;
        this.login = route.login();
        this.password = route.password();
        this.from = route.from();
        this.to = route.to();
        this.prefix = prefix;
        this.thread = new Thread(this::run, "submission-stream");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        for (int n = 1; running; n++) {
            String subject = prefix + "-" + n;
            attempted.add(subject);
            long pause = PAUSE_MILLIS;
            try {
                client.send(login, password, from, to, subject);
                acknowledged.add(subject);
            } catch (MessagingException e) {
                failures.incrementAndGet();
                pause = PAUSE_AFTER_FAILURE_MILLIS;
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    int acknowledgedCount() {
        return acknowledged.size();
    }

    /** Waits (bounded) until {@code more} further messages got their 250. */
    void awaitAcknowledged(int more, long limitSeconds) throws InterruptedException {
        int target = acknowledged.size() + more;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(limitSeconds);
        while (acknowledged.size() < target) {
            if (System.nanoTime() > deadline || !thread.isAlive()) {
                throw new AssertionError("only " + acknowledged.size() + " of " + target + " messages acknowledged within "
                        + limitSeconds + " s (" + failures.get() + " submissions failed)");
            }
            Thread.sleep(50);
        }
    }

    List<String> attempted() {
        synchronized (attempted) {
            return List.copyOf(attempted);
        }
    }

    Set<String> acknowledged() {
        return Set.copyOf(acknowledged);
    }

    int failures() {
        return failures.get();
    }

    /** Stops after the message in flight. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(TimeUnit.SECONDS.toMillis(60));
    }
}
