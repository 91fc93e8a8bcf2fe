package dev.liaison.imap.server;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Keeps pipelined commands from running inside one another on one thread's stack. James's
 * {@code Linearalizer} starts a connection's next queued command from the completion of the one
 * before; a command that completes on the thread that started it (no database wait, e.g. a FETCH
 * of a folder the session looked up moments ago) thus starts the next one a few dozen frames
 * deeper, and mbsync's thousands of pipelined FETCHes ended in a {@link StackOverflowError} that
 * left the connection hanging. Past {@link #MOST_NESTED} nested commands on one thread the next
 * one starts on a fresh worker thread instead; below it nothing changes (no thread hop).
 */
final class StackDepth {

    /** Commands run nested on one thread's stack before the next is moved to another thread. */
    static final int MOST_NESTED = 16;
    private static final ThreadLocal<int[]> NESTED = ThreadLocal.withInitial(() -> new int[1]);

    private StackDepth() {
    }

    static Mono<Void> bounded(Mono<Void> command) {
        return Mono.fromDirect(subscriber -> {
            int[] nested = NESTED.get();
            if (nested[0] >= MOST_NESTED) {
                command.subscribeOn(Schedulers.boundedElastic()).subscribe(subscriber);
                return;
            }
            nested[0]++;
            try {
                command.subscribe(subscriber);
            } finally {
                nested[0]--;
            }
        });
    }
}
