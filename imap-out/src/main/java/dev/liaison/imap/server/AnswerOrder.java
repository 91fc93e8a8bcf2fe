package dev.liaison.imap.server;

import io.netty.channel.Channel;
import org.apache.james.imap.api.process.ImapSession;
import reactor.core.publisher.Mono;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps the answers of a connection's pipelined commands in command order.
 *
 * <p>Two ways James let them cross: (1) its handler flushes an answer only when it sees the
 * command complete, and for a command that waited behind another it may see that late — after
 * the next command, already running, wrote its own answer (a pipelined {@code SELECT} then
 * {@code LOGOUT} reached the client as LOGOUT's answer first). So every command flushes its
 * answer itself before it counts as done ({@link #written}). (2) A write from a worker thread is
 * queued for the channel's event loop, while a write on the event loop happens at once; a next
 * command that starts on the event loop could answer ahead of the queued answer before it. So
 * when a command's answer was queued from a worker, a marker task queued behind it clears a flag,
 * and a command that starts on the event loop while the flag is set starts behind the marker
 * ({@link #afterEarlierAnswers}). Commands of a client that waits for each answer never wait here.
 */
final class AnswerOrder {

    private static final String QUEUED = "liaison.answer-queued";

    private AnswerOrder() {
    }

    /** After a command's answer was flushed on the current thread. */
    static void written(ImapSession session) {
        SessionChannel.of(session).filter(channel -> !channel.eventLoop().inEventLoop()).ifPresent(channel -> {
            AtomicBoolean queued = flag(session);
            queued.set(true);
            run(channel, () -> queued.set(false));
        });
    }

    /** {@code command}, started behind the answers still queued for the event loop, if it would start on it. */
    static Mono<Void> afterEarlierAnswers(ImapSession session, Mono<Void> command) {
        return Mono.defer(() -> SessionChannel.of(session)
                .filter(channel -> channel.eventLoop().inEventLoop() && flag(session).get())
                .map(channel -> Mono.<Void>create(behind -> run(channel, behind::success)).then(command))
                .orElse(command));
    }

    private static AtomicBoolean flag(ImapSession session) {
        Object flag = session.getAttribute(QUEUED);
        if (flag instanceof AtomicBoolean existing) {
            return existing;
        }
        AtomicBoolean created = new AtomicBoolean();
        session.setAttribute(QUEUED, created);
        return created;
    }

    private static void run(Channel channel, Runnable task) {
        try {
            channel.eventLoop().execute(task);
        } catch (RejectedExecutionException shuttingDown) {
            task.run(); // the server is stopping: nothing more will be written
        }
    }
}
