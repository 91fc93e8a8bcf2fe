package dev.liaison.imap.server;

import io.netty.buffer.Unpooled;
import org.apache.james.events.Event;
import org.apache.james.events.EventListener;
import org.apache.james.imap.api.ImapConfiguration;
import org.apache.james.imap.api.ImapConstants;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.Capability;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.ImapSessionState;
import org.apache.james.imap.message.request.IdleRequest;
import org.apache.james.imap.message.response.ContinuationResponse;
import org.apache.james.imap.processor.AbstractMailboxProcessor;
import org.apache.james.imap.processor.CapabilityImplementingProcessor;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.events.MailboxEvents;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.util.MDCBuilder;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.ArrayList;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * IDLE (RFC 2177). Replaces James's processor, whose listener assembles its answer when an event
 * arrives but before the selected mailbox has recorded that event (flag changes made by other
 * sessions were never pushed), and writes it from the event bus's thread, where it could land
 * inside the answer to the client's next command ({@link Pusher}). IDLE starts by asking the
 * store for messages no notification brought yet ({@link NewMessages}), and each push ends with
 * any {@code EXISTS} James's lost-update race swallowed ({@link AnnouncedExists}) and any flag
 * change the same race dropped ({@link FlagChanges}).
 */
final class IdleProcessor extends AbstractMailboxProcessor<IdleRequest> implements CapabilityImplementingProcessor {

    private static final List<Capability> CAPABILITIES = List.of(ImapConstants.SUPPORTS_IDLE);
    private static final HumanReadableText NOT_DONE = new HumanReadableText("org.apache.james.imap.INVALID_CONTINUATION",
            "IDLE ended by something other than DONE (RFC 2177 section 3)");

    private Duration heartbeat = Duration.ofMinutes(2);
    private final AccountCheck accounts;

    IdleProcessor(MailboxManager mailboxes, StatusResponseFactory responses, MetricFactory metrics,
                  AccountCheck accounts) {
        super(IdleRequest.class, mailboxes, responses, metrics);
        this.accounts = accounts;
    }

    @Override
    public void configure(ImapConfiguration configuration) {
        super.configure(configuration);
        heartbeat = configuration.idleTimeIntervalAsDuration();
    }

    @Override
    protected Mono<Void> processRequestReactive(IdleRequest request, ImapSession session, Responder responder) {
        // what the store has but no notification brought yet, learned before the pusher listens (else pushed twice)
        return NewMessages.learn(session).then(Mono.defer(() -> idle(request, session, responder)));
    }

    private Mono<Void> idle(IdleRequest request, ImapSession session, Responder responder) {
        Pusher pusher = new Pusher(session, responder, SessionChannel.of(session).map(c -> (Executor) c.eventLoop()));
        // on the event loop, where DONE is read and every push is written: one writer at a time
        return Mono.create(started -> {
            if (!pusher.onLoop(() -> {
                start(request, session, responder, pusher);
                started.success();
            })) {
                started.success(); // the connection is closing: nothing to idle on
            }
        });
    }

    private void start(IdleRequest request, ImapSession session, Responder responder, Pusher pusher) {
        FlagChanges changes = FlagChanges.of(session);
        if (changes != null) {
            changes.idle(pusher);
        }
        session.pushLineHandler((s, line) -> {
            if (changes != null) {
                changes.idle(null);
            }
            pusher.end();
            String text = new String(line, StandardCharsets.US_ASCII).trim();
            if ("DONE".equals(text.toUpperCase(Locale.ROOT))) {
                okComplete(request, responder);
            } else {
                responder.respond(getStatusResponseFactory().taggedBad(request.getTag(), request.getCommand(), NOT_DONE));
            }
            responder.flush();
            s.popLineHandler();
        });
        scheduleHeartbeat(session, responder, pusher);
        scheduleAccountCheck(session, responder, pusher);
        // RFC 2177: the continuation comes after the listener is in place, so nothing is missed
        responder.respond(new ContinuationResponse(HumanReadableText.IDLING));
        responder.flush();
        pusher.push();
    }

    /** "* OK" now and then, so NAT boxes and clients' own timers keep the connection (Dovecot does the same). */
    private void scheduleHeartbeat(ImapSession session, Responder responder, Pusher pusher) {
        session.schedule(new Runnable() {
            @Override
            public void run() {
                if (session.getState() != ImapSessionState.LOGOUT && pusher.idling()) {
                    responder.respond(getStatusResponseFactory().untaggedOk(HumanReadableText.HEARTBEAT));
                    responder.flush();
                    session.schedule(this, heartbeat);
                }
            }
        }, heartbeat);
    }

    /**
     * An idling client sends no command for {@link AccountCheck} to run before, so its user's
     * state is asked every interval while the IDLE lasts (off the event loop: it reads the
     * database); a user no longer active hears {@code * BYE}, written on the loop as pushes are,
     * and the connection ends.
     */
    private void scheduleAccountCheck(ImapSession session, Responder responder, Pusher pusher) {
        session.schedule(new Runnable() {
            @Override
            public void run() {
                if (session.getState() == ImapSessionState.LOGOUT || !pusher.idling()) {
                    return;
                }
                Runnable again = this;
                Optional<String> user = AccountCheck.user(session);
                Object identity = AccountCheck.identity(session);
                if (user.isEmpty() || identity == null) { // no identity: the next command's check asks
                    return;
                }
                Mono.fromCallable(() -> accounts.revoked(user.get(), identity))
                        .subscribeOn(Schedulers.boundedElastic())
                        .subscribe(revoked -> {
                            if (!revoked) {
                                session.schedule(again, accounts.interval());
                            } else {
                                pusher.onLoop(() -> {
                                    AccountCheck.markRevoked(session);
                                    bye(session, responder, pusher, AccountCheck.GONE);
                                });
                            }
                        });
            }
        }, accounts.interval());
    }

    private void bye(ImapSession session, Responder responder, Pusher pusher, HumanReadableText why) {
        if (!pusher.idling()) {
            return; // DONE came first: the next command's check ends the session
        }
        pusher.end();
        FlagChanges changes = FlagChanges.of(session);
        if (changes != null) {
            changes.idle(null);
        }
        responder.respond(getStatusResponseFactory().bye(why));
        responder.flush();
        SessionChannel.of(session).ifPresent(channel -> channel.writeAndFlush(Unpooled.EMPTY_BUFFER)
                .addListener(written -> channel.close()));
        session.logout().subscribe();
    }

    @Override
    public List<Capability> getImplementedCapabilities(ImapSession session) {
        return CAPABILITIES;
    }

    @Override
    protected MDCBuilder mdc(IdleRequest request) {
        return MDCBuilder.create().addToContext(MDCBuilder.ACTION, "IDLE");
    }

    /**
     * Pushes what changed in the selected mailbox to the idling client, one push at a time, each
     * written on the connection's event loop and only while the IDLE lasts.
     *
     * <p>Why: events arrive on the event bus's thread. A push written from there could land after
     * DONE, inside the answer to the client's next command — between a FETCH line and its literal,
     * which desynchronised the client for good (the relay benchmark's watcher stopped seeing mail).
     * DONE is read on the event loop, so a push that finds the IDLE over there leaves its news to
     * the next command's answer (James adds the pending changes to every answer). A push is worked
     * out on whatever thread James's code needs (flag changes are read from the store) into a
     * buffer and written in one event-loop task; DONE that comes while one is being worked out
     * waits for it, so that its news, already taken from the selected mailbox, is not lost.
     */
    private final class Pusher implements EventListener.ReactiveEventListener {
        private static final Duration LONGEST_PUSH = Duration.ofSeconds(10);
        private final ImapSession session;
        private final Responder responder;
        private final Optional<Executor> loop;
        /** Confined to the event loop (or, without one, guarded by this). */
        private boolean idling = true;
        private boolean again;
        private CompletableFuture<List<ImapResponseMessage>> working;

        Pusher(ImapSession session, Responder responder, Optional<Executor> loop) {
            this.session = session;
            this.responder = responder;
            this.loop = loop;
        }

        @Override
        public boolean isHandling(Event event) {
            return event instanceof MailboxEvents.Added || event instanceof MailboxEvents.Expunged
                    || event instanceof MailboxEvents.FlagsUpdated || event instanceof MailboxEvents.MailboxDeletion;
        }

        /** A change is pushed; the selected folder's deletion ends the session ({@link DeletedSelection}). */
        @Override
        public Publisher<Void> reactiveEvent(Event event) {
            if (event instanceof MailboxEvents.MailboxDeletion) {
                return Mono.fromRunnable(() -> onLoop(() -> bye(session, responder, this, DeletedSelection.GONE)));
            }
            return Mono.fromRunnable(this::push);
        }

        @Override
        public ExecutionMode getExecutionMode() {
            return ExecutionMode.ASYNCHRONOUS;
        }

        synchronized boolean idling() {
            return idling;
        }

        /** Starts a push on the event loop, or notes that another is wanted after the one under way. */
        void push() {
            onLoop(() -> {
                if (!idling) {
                    return;
                }
                if (working != null) {
                    again = true;
                    return;
                }
                Buffer buffer = new Buffer();
                // a push that fails half-way still writes what it worked out; James clears a session's
                // pending changes only at the end, so the rest reaches the client with its next command
                // off the event loop: settling may take the new messages in the database (OneSessionRecent)
                CompletableFuture<List<ImapResponseMessage>> work = OneSessionRecent.settled(session)
                        .subscribeOn(Schedulers.boundedElastic())
                        .then(Mono.fromRunnable(() -> FlagChanges.mark(session)))
                        .then(Mono.defer(() -> unsolicitedResponses(session, buffer, false)))
                        .then(Mono.fromRunnable(() -> FlagChanges.catchUp(session, buffer)))
                        .onErrorResume(e -> Mono.empty())
                        .then(Mono.fromCallable(() -> buffer.messages)).toFuture();
                working = work;
                if (work.isDone()) {
                    written(work);
                } else {
                    work.whenComplete((messages, failure) -> onLoop(() -> written(work)));
                }
            });
        }

        /** DONE (on the event loop): no more pushes; the one under way, if any, is written first. */
        synchronized void end() {
            idling = false;
            if (working != null) {
                try {
                    working.get(LONGEST_PUSH.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    // its news is lost to this client until it selects the mailbox again; the answer must go on
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                written(working);
            }
        }

        private void written(CompletableFuture<List<ImapResponseMessage>> work) {
            if (working != work) {
                return; // DONE wrote it already
            }
            working = null;
            List<ImapResponseMessage> messages = work.isDone() && !work.isCompletedExceptionally() ? work.join() : List.of();
            messages.forEach(responder::respond);
            AnnouncedExists.catchUp(session, responder);
            responder.flush();
            if (again && idling) {
                again = false;
                push();
            }
        }

        /** Runs {@code task} on the event loop; false if the loop is shutting down (nothing more is written then). */
        boolean onLoop(Runnable task) {
            if (loop.isEmpty()) {
                synchronized (this) {
                    task.run();
                }
                return true;
            }
            try {
                loop.get().execute(() -> {
                    synchronized (this) {
                        task.run();
                    }
                });
                return true;
            } catch (RejectedExecutionException closing) {
                return false;
            }
        }
    }

    /** Responses kept to be written later, in order. */
    private static final class Buffer implements Responder {
        private final List<ImapResponseMessage> messages = new ArrayList<>();

        @Override
        public synchronized void respond(ImapResponseMessage message) {
            messages.add(message);
        }

        @Override
        public void flush() {
        }
    }
}
