package dev.liaison.imap.server;

import org.apache.james.imap.api.ImapConfiguration;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.FetchData;
import org.apache.james.imap.api.message.request.ImapRequest;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.message.request.CloseRequest;
import org.apache.james.imap.message.request.ExamineRequest;
import org.apache.james.imap.message.request.ExpungeRequest;
import org.apache.james.imap.message.request.FetchRequest;
import org.apache.james.imap.message.request.MoveRequest;
import org.apache.james.imap.message.request.SelectRequest;
import org.apache.james.imap.message.request.StoreRequest;
import reactor.core.publisher.Mono;

import javax.mail.Flags;

/**
 * A mailbox opened with EXAMINE is read-only (RFC 3501 §6.3.2): "no changes to the permanent
 * state of the mailbox, including per-user state, are permitted". James answers EXAMINE with
 * {@code [READ-ONLY]} and then forgets it: a {@code FETCH BODY[]} set \Seen, STORE changed flags,
 * EXPUNGE and CLOSE removed \Deleted messages and MOVE took messages away.
 *
 * <p>Here the session remembers which selection EXAMINE opened (the selected mailbox object
 * itself, so any later SELECT, of this or another folder, ends it) and, while it lasts: FETCH
 * reads as if every body section were {@code .PEEK} (RFC 3501 §6.4.5), STORE, EXPUNGE,
 * UID EXPUNGE and MOVE are refused with {@code NO}, and CLOSE only deselects (§6.4.2: "no
 * messages are removed, and no error is given"). COPY and APPEND write to another mailbox and
 * are unaffected. Every {@code PERMANENTFLAGS} the session is told, by EXAMINE itself and later
 * with new keywords, is {@code ()}: no flag can be changed permanently (RFC 3501 §7.1, as
 * Dovecot answers; James announced the folder's flags and {@code \*}).
 */
final class ReadOnlySelection implements ImapProcessor {

    private static final String ATTRIBUTE = "liaison.read-only-selection";
    private static final String PERMANENT_FLAGS = "PERMANENTFLAGS";
    private static final HumanReadableText NO_PERMANENT_FLAGS = new HumanReadableText(
            "org.apache.james.imap.PERMANENT_FLAGS", "Read-only mailbox");
    private final ImapProcessor chain;
    private final StatusResponseFactory responses;

    ReadOnlySelection(ImapProcessor chain, StatusResponseFactory responses) {
        this.chain = chain;
        this.responses = responses;
    }

    /** Whether the session's selected mailbox was opened with EXAMINE. */
    static boolean isReadOnly(ImapSession session) {
        SelectedMailbox selected = session.getSelected();
        return selected != null && selected == session.getAttribute(ATTRIBUTE);
    }

    @Override
    public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
        if (message instanceof ExamineRequest) {
            return chain.processReactive(message, new Remembering(new NoPermanentFlags(responder, responses), session, true),
                    session);
        }
        if (message instanceof SelectRequest) {
            return chain.processReactive(message, new Remembering(responder, session, false), session);
        }
        if (!isReadOnly(session)) {
            return chain.processReactive(message, responder, session);
        }
        return readOnly(message, new NoPermanentFlags(responder, responses), session);
    }

    private Mono<Void> readOnly(ImapMessage message, Responder responder, ImapSession session) {
        if (message instanceof FetchRequest fetch && fetch.getFetch().isSetSeen()) {
            return chain.processReactive(peeking(fetch), responder, session);
        }
        if (message instanceof StoreRequest || message instanceof ExpungeRequest || message instanceof MoveRequest) {
            ImapRequest request = (ImapRequest) message;
            responder.respond(responses.taggedNo(request.getTag(), request.getCommand(),
                    HumanReadableText.MAILBOX_IS_READ_ONLY));
            return Mono.empty();
        }
        if (message instanceof CloseRequest close) {
            return session.deselect().then(Mono.fromRunnable(() -> responder.respond(
                    responses.taggedOk(close.getTag(), close.getCommand(), HumanReadableText.COMPLETED))));
        }
        return chain.processReactive(message, responder, session);
    }

    /** The same FETCH with every body section read as {@code BODY.PEEK}, so nothing sets \Seen. */
    private static FetchRequest peeking(FetchRequest request) {
        FetchData fetch = request.getFetch();
        FetchData.Builder peek = FetchData.builder();
        for (FetchData.Item item : FetchData.Item.values()) {
            if (fetch.contains(item)) {
                peek.fetch(item);
            }
        }
        if (fetch.getChangedSince() != -1) {
            peek.changedSince(fetch.getChangedSince());
        }
        peek.vanished(fetch.getVanished());
        fetch.getBodyElements().forEach(element -> peek.add(element, true));
        return new FetchRequest(request.isUseUids(), request.getIdSet(), peek.build(), request.getTag());
    }

    @Override
    public void configure(ImapConfiguration configuration) {
        chain.configure(configuration);
    }

    /** {@code * OK [PERMANENTFLAGS ()]}: no flag of a read-only selection can be stored. */
    static StatusResponse noPermanentFlags(StatusResponseFactory responses) {
        return responses.untaggedOk(NO_PERMANENT_FLAGS, StatusResponse.ResponseCode.permanentFlags(new Flags()));
    }

    /** Says {@code PERMANENTFLAGS ()} wherever James would name flags that may be stored. */
    private record NoPermanentFlags(Responder responder, StatusResponseFactory responses) implements Responder {
        @Override
        public void respond(ImapResponseMessage message) {
            boolean permanentFlags = message instanceof StatusResponse status && status.getTag() == null
                    && status.getResponseCode() != null && PERMANENT_FLAGS.equals(status.getResponseCode().getCode());
            responder.respond(permanentFlags ? noPermanentFlags(responses) : message);
        }

        @Override
        public void flush() {
            responder.flush();
        }
    }

    /**
     * Records the selection a successful SELECT or EXAMINE made when its tagged OK goes out (the
     * mailbox is selected by then). A failed one leaves the previous record, as James leaves the
     * previous selection.
     */
    private record Remembering(Responder responder, ImapSession session, boolean readOnly) implements Responder {
        @Override
        public void respond(ImapResponseMessage message) {
            if (message instanceof StatusResponse status && status.getTag() != null
                    && status.getServerResponseType() == StatusResponse.Type.OK) {
                session.setAttribute(ATTRIBUTE, readOnly ? session.getSelected() : null);
            }
            responder.respond(message);
        }

        @Override
        public void flush() {
            responder.flush();
        }
    }
}
