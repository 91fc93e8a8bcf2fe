package dev.liaison.imap.server;

import io.netty.channel.Channel;
import org.apache.james.imap.api.process.ImapSession;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Per-connection flow control for pipelined commands. James queues every decoded command in one
 * server-wide throttler and breaks the connection when that queue is full, so a client that
 * pipelines thousands of FETCHes (mbsync's first sync does) could exhaust it. Here a connection
 * stops being read once {@link Limits#PIPELINED_COMMANDS} of its commands are waiting and is
 * read again when half of them are answered: TCP then slows the client down, as it should.
 *
 * <p>The channel comes from {@link SessionChannel}; without it flow control is off and the
 * server-wide queue bound still applies.
 */
final class Backpressure {

    private static final String PENDING = "liaison.pending-commands";
    private Backpressure() {
    }

    /** A command of {@code session} was decoded and will be processed. */
    static void decoded(ImapSession session) {
        if (pending(session).incrementAndGet() >= Limits.PIPELINED_COMMANDS) {
            channel(session).ifPresent(c -> c.config().setAutoRead(false));
        }
    }

    /** A command of {@code session} was answered. */
    static void answered(ImapSession session) {
        AtomicInteger pending = pending(session);
        int left = pending.updateAndGet(n -> Math.max(0, n - 1));
        boolean closing = Boolean.TRUE.equals(session.getAttribute(ProcessorChain.CLOSE_AFTER_ANSWER));
        if (left <= Limits.PIPELINED_COMMANDS / 2 && !closing) { // a closing connection is read no more
            channel(session).filter(c -> !c.config().isAutoRead())
                    .ifPresent(c -> c.eventLoop().execute(() -> c.config().setAutoRead(true)));
        }
    }

    private static AtomicInteger pending(ImapSession session) {
        Object counter = session.getAttribute(PENDING);
        if (counter instanceof AtomicInteger existing) {
            return existing;
        }
        AtomicInteger created = new AtomicInteger();
        session.setAttribute(PENDING, created);
        return created;
    }

    private static Optional<Channel> channel(ImapSession session) {
        return SessionChannel.of(session);
    }
}
