package dev.liaison.imap.server;

import org.apache.james.events.Event;
import org.apache.james.events.EventListener;
import org.apache.james.imap.api.ImapConfiguration;
import org.apache.james.imap.api.ImapConstants;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.Capability;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.ImapSessionState;
import org.apache.james.imap.api.process.SelectedMailbox;
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

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * IDLE (RFC 2177). Replaces James's processor, whose listener assembles its answer when an event
 * arrives but before the selected mailbox has recorded that event, so flag changes made by other
 * sessions were never pushed to an idling client (only new messages were). Here the answer is
 * built when it is sent ({@link Mono#defer}), after the mailbox state is updated. IDLE starts
 * by asking the store for messages no notification brought yet ({@link NewMessages}), and each
 * push ends with any {@code EXISTS} James's lost-update race swallowed ({@link AnnouncedExists}).
 */
final class IdleProcessor extends AbstractMailboxProcessor<IdleRequest> implements CapabilityImplementingProcessor {

    private static final List<Capability> CAPABILITIES = List.of(ImapConstants.SUPPORTS_IDLE);
    private static final HumanReadableText NOT_DONE = new HumanReadableText("org.apache.james.imap.INVALID_CONTINUATION",
            "IDLE ended by something other than DONE (RFC 2177 §3)");

    private Duration heartbeat = Duration.ofMinutes(2);

    IdleProcessor(MailboxManager mailboxes, StatusResponseFactory responses, MetricFactory metrics) {
        super(IdleRequest.class, mailboxes, responses, metrics);
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
        SelectedMailbox selected = session.getSelected();
        if (selected != null) {
            selected.registerIdle(new Pusher(session, responder));
        }
        AtomicBoolean idling = new AtomicBoolean(true);
        session.pushLineHandler((s, line) -> {
            if (selected != null) {
                selected.unregisterIdle();
            }
            String text = new String(line, StandardCharsets.US_ASCII).trim();
            if ("DONE".equals(text.toUpperCase(Locale.ROOT))) {
                okComplete(request, responder);
            } else {
                responder.respond(getStatusResponseFactory().taggedBad(request.getTag(), request.getCommand(), NOT_DONE));
            }
            responder.flush();
            s.popLineHandler();
            idling.set(false);
        });
        scheduleHeartbeat(session, responder, idling);
        // RFC 2177: the continuation comes after the listener is in place, so nothing is missed
        responder.respond(new ContinuationResponse(HumanReadableText.IDLING));
        return unsolicitedResponses(session, responder, false);
    }

    /** "* OK" now and then, so NAT boxes and clients' own timers keep the connection (Dovecot does the same). */
    private void scheduleHeartbeat(ImapSession session, Responder responder, AtomicBoolean idling) {
        session.schedule(new Runnable() {
            @Override
            public void run() {
                if (session.getState() != ImapSessionState.LOGOUT && idling.get()) {
                    responder.respond(getStatusResponseFactory().untaggedOk(HumanReadableText.HEARTBEAT));
                    responder.flush();
                    session.schedule(this, heartbeat);
                }
            }
        }, heartbeat);
    }

    @Override
    public List<Capability> getImplementedCapabilities(ImapSession session) {
        return CAPABILITIES;
    }

    @Override
    protected MDCBuilder mdc(IdleRequest request) {
        return MDCBuilder.create().addToContext(MDCBuilder.ACTION, "IDLE");
    }

    /** Pushes what changed in the selected mailbox to the idling client. */
    private final class Pusher implements EventListener.ReactiveEventListener {
        private final ImapSession session;
        private final Responder responder;

        Pusher(ImapSession session, Responder responder) {
            this.session = session;
            this.responder = responder;
        }

        @Override
        public boolean isHandling(Event event) {
            return event instanceof MailboxEvents.Added || event instanceof MailboxEvents.Expunged
                    || event instanceof MailboxEvents.FlagsUpdated;
        }

        @Override
        public Publisher<Void> reactiveEvent(Event event) {
            return Mono.defer(() -> unsolicitedResponses(session, responder, false))
                    .then(Mono.fromRunnable(() -> {
                        AnnouncedExists.catchUp(session, responder);
                        responder.flush();
                    }));
        }

        @Override
        public ExecutionMode getExecutionMode() {
            return ExecutionMode.ASYNCHRONOUS;
        }
    }
}
