package dev.liaison.imap.server;

import dev.liaison.imap.store.PostgresMailboxManager;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import org.apache.james.events.EventBus;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.request.ImapRequest;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.main.DeniedAccessOnSharedMailboxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import org.apache.james.imap.api.ImapConfiguration;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.MailboxTyper;
import org.apache.james.imap.message.response.UnpooledStatusResponseFactory;
import org.apache.james.imap.processor.AppendProcessor;
import org.apache.james.imap.processor.CapabilityImplementingProcessor;
import org.apache.james.imap.processor.CapabilityProcessor;
import org.apache.james.imap.processor.CloseProcessor;
import org.apache.james.imap.processor.DefaultProcessor;
import org.apache.james.imap.processor.IdProcessor;
import org.apache.james.imap.processor.LSubProcessor;
import org.apache.james.imap.processor.NamespaceProcessor;
import org.apache.james.imap.processor.PermitEnableCapabilityProcessor;
import org.apache.james.imap.processor.StartTLSProcessor;
import org.apache.james.imap.processor.SubscribeProcessor;
import org.apache.james.imap.processor.SystemMessageProcessor;
import org.apache.james.imap.processor.UnselectProcessor;
import org.apache.james.imap.processor.UnsubscribeProcessor;
import org.apache.james.imap.processor.base.AbstractProcessor;
import org.apache.james.imap.processor.base.ImapResponseMessageProcessor;
import org.apache.james.imap.processor.base.UnknownRequestProcessor;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.SubscriptionManager;
import org.apache.james.metrics.api.MetricFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The IMAP commands imap-out serves, one James processor per command (J5), assembled here rather
 * than by {@code DefaultProcessorFactory} so that commands we do not offer are simply absent:
 * no ACL, quota, METADATA or XLIST processors (folders are private and unlimited), no COMPRESS.
 * A command without a processor is answered {@code BAD} by the chain's end.
 *
 * <p>Every answered command is reported to {@link ImapEvents} by its name. Around the processors:
 * {@link ReadOnlySelection} (EXAMINE changes nothing), {@link QresyncChanges} (SELECT/EXAMINE with
 * QRESYNC reports changed messages) and {@link AnnouncedExists} (no answer ends with new messages
 * unannounced; with {@link FlagChanges}, no flag change another session made goes unreported; with
 * {@link AnnouncedKeywords}, no keyword is shown before a FLAGS names it). NOOP, CHECK and IDLE are ours ({@link NewMessages}); DELETE
 * refuses INBOX ({@link DeleteProcessor}); LIST shows special use and levels without a folder
 * ({@link ListProcessor}); COPY and MOVE are James's with a corrected COPYUID
 * ({@link CopyUid}, {@link MoveProcessor}); FETCH is James's with envelope names unquoted
 * ({@link EnvelopeNames}); UID STORE, COPY, MOVE and EXPUNGE in a folder the session sees empty
 * act on the store's messages with those UIDs, or on none and answer OK ({@link EmptyFolderUids}); LOGIN and AUTHENTICATE log each refused
 * attempt with the client's address ({@link FailedAuthentication}) and refuse, unchecked, one
 * from an address with too many failures ({@link LoginThrottle}).
 *
 * <p>Before each command of a logged-in session, {@link AccountCheck} may find its user disabled
 * or removed, or {@link DeletedSelection} its selected folder deleted by another session: the
 * command is not run, the client hears {@code * BYE} and the connection ends.
 *
 * <p>The configuration James's server hands the chain is replaced by ours (CONDSTORE on,
 * APPENDLIMIT, no James default folders — {@code OwnerSessions} creates ours).
 */
final class ProcessorChain {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessorChain.class);
    /**
     * James's words for a folder name in another user's or another namespace, under a key of ours:
     * one answer whether that folder exists or not, and without the {@code [NONEXISTENT]} that
     * {@link ResponseCodeEncoder} gives James's own "No such mailbox" (not this user's folder to
     * say anything about).
     */
    private static final HumanReadableText NOT_YOURS = new HumanReadableText("dev.liaison.imap.NOT_YOURS",
            HumanReadableText.FAILURE_NO_SUCH_MAILBOX.getDefaultValue());
    /** Session attribute: end the connection once the current command is answered. */
    static final String CLOSE_AFTER_ANSWER = "liaison.close-after-answer";

    private ProcessorChain() {
    }

    static ImapProcessor build(PostgresMailboxManager mailboxes, EventBus events, SubscriptionManager subscriptions,
                               MailboxTyper typer, ImapEvents observer, AccountCheck accounts,
                               LoginThrottle throttle) {
        StatusResponseFactory responses = new UnpooledStatusResponseFactory();
        MetricFactory metrics = new UncountedMetrics();
        CapabilityProcessor capability = new CapabilityProcessor(mailboxes, responses, metrics);
        StatusProcessor status = new StatusProcessor(mailboxes, responses, metrics);
        EnableProcessor enable = new EnableProcessor(mailboxes, responses, metrics, capability);
        List<AbstractProcessor<?>> processors = new ArrayList<>(List.of(
                new SystemMessageProcessor(mailboxes), new LogoutProcessor(mailboxes, responses, metrics), capability,
                new IdProcessor(mailboxes, responses, metrics), new CheckProcessor(mailboxes, responses, metrics),
                new LoginProcessor(mailboxes, responses, metrics, accounts, throttle), new RenameProcessor(mailboxes, responses, metrics),
                new DeleteProcessor(mailboxes, responses, metrics), new CreateProcessor(mailboxes, responses, metrics),
                new CloseProcessor(mailboxes, responses, metrics),
                new UnsubscribeProcessor(mailboxes, subscriptions, responses, metrics),
                new SubscribeProcessor(mailboxes, subscriptions, responses, metrics),
                new CopyProcessor(mailboxes, responses, metrics), new AuthenticateProcessor(mailboxes, responses, metrics, accounts, throttle),
                new ExpungeProcessor(mailboxes, responses, metrics),
                new ExamineProcessor(mailboxes, events, responses, metrics),
                new AppendProcessor(mailboxes, responses, metrics), new StoreProcessor(mailboxes, responses, metrics),
                new NoopProcessor(mailboxes, responses, metrics), new IdleProcessor(mailboxes, responses, metrics, accounts),
                status, new LSubProcessor(mailboxes, subscriptions, responses, metrics),
                new ListProcessor(mailboxes, responses, metrics, subscriptions, status, typer),
                new SearchProcessor(mailboxes, responses, metrics),
                new SelectProcessor(mailboxes, events, responses, metrics),
                new NamespaceProcessor(mailboxes, responses, metrics), new FetchProcessor(mailboxes, responses, metrics),
                new StartTLSProcessor(responses), new UnselectProcessor(mailboxes, responses, metrics), enable,
                new ImapResponseMessageProcessor(), new MoveProcessor(mailboxes, responses, metrics)));
        Map<Class, ImapProcessor> byRequest = new HashMap<>();
        for (AbstractProcessor<?> p : processors) {
            if (p instanceof CapabilityImplementingProcessor c && p != capability) {
                capability.addProcessor(c);
            }
            if (p instanceof PermitEnableCapabilityProcessor e) {
                enable.addProcessor(e);
            }
            p.acceptableClasses().forEach(type -> byRequest.put(type, p));
        }
        ImapProcessor chain = new ReadOnlySelection(new QresyncChanges(
                new DefaultProcessor(byRequest, new UnknownRequestProcessor(responses)), mailboxes), responses);
        return new Configured(chain, responses, observer, accounts);
    }

    /** Completes when everything written to {@code channel} so far has been written (or failed). */
    private static Mono<Void> written(Channel channel) {
        return Mono.create(done -> channel.writeAndFlush(Unpooled.EMPTY_BUFFER)
                .addListener(write -> done.success()));
    }

    static ImapConfiguration configuration() {
        return ImapConfiguration.builder()
                .enableIdle(true)
                .idleTimeInterval(120)
                .idleTimeIntervalUnit(TimeUnit.SECONDS)
                .isCondstoreEnable(true)
                .appendLimit(Limits.MESSAGE_OCTETS)
                .concurrentRequests(Limits.CONCURRENT_REQUESTS)
                .maxQueueSize(Limits.QUEUED_REQUESTS)
                .isProvisionDefaultMailboxes(false)
                .build();
    }

    /**
     * The chain with our configuration, whatever James's server passes to {@link #configure}, and
     * a last line of defence: a processor that fails outside its own error handling (James lets
     * some exceptions, e.g. a name in a namespace we do not have, escape and drop the connection)
     * answers the command {@code NO} and the connection stays up (RFC 3501 §7.1.2).
     */
    private record Configured(ImapProcessor chain, StatusResponseFactory responses, ImapEvents observer,
                              AccountCheck accounts) implements ImapProcessor {
        @Override
        public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
            long started = System.nanoTime();
            Responder watched = AnnouncedExists.watch(responder, session, message);
            java.util.concurrent.atomic.AtomicBoolean reported = new java.util.concurrent.atomic.AtomicBoolean();
            Runnable report = () -> {
                if (message instanceof ImapRequest request && reported.compareAndSet(false, true)) {
                    observer.commandAnswered(request.getCommand().getName(), System.nanoTime() - started);
                }
            };
            return StackDepth.bounded(AnswerOrder.afterEarlierAnswers(session,
                            Mono.defer(() -> accounts.revokedBeforeCommand(session) ? bye(watched, session, AccountCheck.GONE)
                                    : DeletedSelection.before(message, session) ? bye(watched, session, DeletedSelection.GONE)
                                    : OneSessionRecent.settled(session)
                                            .then(Mono.fromRunnable(() -> FlagChanges.mark(session)))
                                            .then(Mono.defer(() -> chain.processReactive(message, watched, session))))))
                    .onErrorResume(e -> refuse(message, watched, e))
                    .then(Mono.defer(() -> closeIfAsked(watched, session, report)))
                    .then(Mono.defer(() -> answered(watched, session, report)))
                    .doFinally(signal -> {
                        Backpressure.answered(session);
                        report.run(); // cancelled or failed before its answer: still counted, once
                    });
        }

        /**
         * Puts the command's answer on the channel before the command counts as done ({@link AnswerOrder});
         * reported first, so a client's next command is never reported before this one.
         */
        private static Mono<Void> answered(Responder responder, ImapSession session, Runnable report) {
            report.run();
            responder.flush();
            AnswerOrder.written(session);
            return Mono.empty();
        }

        /**
         * James's server closes the connection after the answer when the session is logged out;
         * the session is logged out only once the answer is on the wire. Why: a command that
         * waited behind the one before it (James's {@code Linearalizer}) runs on a worker thread,
         * so its answer reaches the channel as a task queued for the event loop, while James's
         * close, when the command completed before its handler subscribed, runs at once on the
         * event loop — ahead of the queued answer, which was then dropped: the client saw the
         * connection end without the {@code BAD} (1 run in a few hundred of
         * {@code BadInputTest.aNonSynchronizingLiteralOverTheLimitIsBadAndEndsTheConnection}).
         * An empty write queued after the answer completes only when the answer has been written.
         * The command is reported answered then, before the close: the report of the connection's
         * end could otherwise come first (1 run in a few dozen of {@code ImapEventsTest}).
         */
        private static Mono<Void> closeIfAsked(Responder responder, ImapSession session, Runnable report) {
            if (!Boolean.TRUE.equals(session.getAttribute(CLOSE_AFTER_ANSWER))) {
                return Mono.empty();
            }
            responder.flush();
            return SessionChannel.of(session)
                    .map(ProcessorChain::written)
                    .orElse(Mono.empty())
                    .then(Mono.fromRunnable(report))
                    .then(Mono.defer(session::logout));
        }

        /**
         * The session cannot go on, {@code why} (its user is no longer active, {@link AccountCheck};
         * its selected folder was deleted, {@link DeletedSelection}): {@code * BYE}, the command is
         * not run, and the connection ends.
         */
        private Mono<Void> bye(Responder responder, ImapSession session, HumanReadableText why) {
            responder.respond(responses.bye(why));
            session.setAttribute(CLOSE_AFTER_ANSWER, true);
            return Mono.empty();
        }

        private Mono<Void> refuse(ImapMessage message, Responder responder, Throwable e) {
            if (!(message instanceof ImapRequest request)) {
                return Mono.error(e);
            }
            boolean namespace = e instanceof DeniedAccessOnSharedMailboxException;
            if (!namespace) {
                LOG.warn("{} failed unexpectedly: {}", request.getCommand().getName(), e.getClass().getName());
            }
            responder.respond(responses.taggedNo(request.getTag(), request.getCommand(),
                    namespace ? NOT_YOURS : HumanReadableText.GENERIC_FAILURE_DURING_PROCESSING));
            responder.flush();
            return Mono.empty();
        }

        @Override
        public void configure(ImapConfiguration ignored) {
            chain.configure(configuration());
        }
    }
}
