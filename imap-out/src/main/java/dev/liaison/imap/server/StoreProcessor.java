package dev.liaison.imap.server;

import dev.liaison.imap.store.UnchangedSince;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.IdRange;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.message.request.StoreRequest;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MessageRangeException;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.metrics.api.MetricFactory;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * STORE (RFC 9051 §6.4.6): James's, with UID STORE in an empty folder answered OK ({@link EmptyFolderUids})
 * and UNCHANGEDSINCE judged atomically. James compared each message's MODSEQ before the STORE and
 * changed the flags in a separate step, so two devices' conditional STOREs of one message both
 * succeeded, the second silently overwriting the first (RFC 7162 §3.1.3: a message changed since
 * MUST be left as it is and named in {@code MODIFIED}). Here the store compares again under the row
 * lock ({@link UnchangedSince}), and the messages it left alone join James's {@code MODIFIED} set in
 * the tagged OK.
 */
final class StoreProcessor extends org.apache.james.imap.processor.StoreProcessor {

    private final StatusResponseFactory responses;

    StoreProcessor(MailboxManager mailboxes, StatusResponseFactory responses, MetricFactory metrics) {
        super(mailboxes, responses, metrics);
        this.responses = responses;
    }

    @Override
    protected Optional<MessageRange> messageRange(SelectedMailbox selected, IdRange range, boolean useUids)
            throws MessageRangeException {
        Optional<MessageRange> empty = EmptyFolderUids.inEmptyView(selected, range, useUids);
        return empty.isPresent() ? empty : super.messageRange(selected, range, useUids);
    }

    @Override
    protected Mono<Void> processRequestReactive(StoreRequest request, ImapSession session, Responder responder) {
        if (request.getUnchangedSince() <= 0) { // none, or 0: James fails that on metadata that exists, not on MODSEQ
            return super.processRequestReactive(request, session, responder);
        }
        return Mono.defer(() -> {
            UnchangedSince condition = new UnchangedSince(request.getUnchangedSince());
            return super.processRequestReactive(request, session, new Modified(responder, request, session, condition))
                    .contextWrite(condition.context());
        });
    }

    /** Adds the messages the store found modified under the lock to the tagged OK's {@code MODIFIED} set. */
    private final class Modified implements Responder {
        private final Responder responder;
        private final StoreRequest request;
        private final ImapSession session;
        private final UnchangedSince condition;

        Modified(Responder responder, StoreRequest request, ImapSession session, UnchangedSince condition) {
            this.responder = responder;
            this.request = request;
            this.session = session;
            this.condition = condition;
        }

        @Override
        public void respond(ImapResponseMessage message) {
            if (message instanceof StatusResponse status && request.getTag().equals(status.getTag())
                    && status.getServerResponseType() == StatusResponse.Type.OK && !condition.modified().isEmpty()) {
                SortedSet<Long> failed = jamesFailed(status.getResponseCode());
                SelectedMailbox selected = session.getSelected();
                for (MessageUid uid : condition.modified()) {
                    if (request.isUseUids()) {
                        failed.add(uid.asLong());
                    } else if (selected != null) {
                        selected.msn(uid).ifPresent(msn -> failed.add((long) msn.asInt()));
                    }
                }
                List<IdRange> ranges = new ArrayList<>();
                failed.forEach(n -> ranges.add(new IdRange(n)));
                responder.respond(responses.taggedOk(status.getTag(), status.getCommand(), HumanReadableText.FAILED,
                        StatusResponse.ResponseCode.condStore(IdRange.mergeRanges(ranges).toArray(IdRange[]::new))));
                return;
            }
            responder.respond(message);
        }

        @Override
        public void flush() {
            responder.flush();
        }
    }

    /** The numbers in James's own {@code MODIFIED} code (those its check before the STORE failed), such as {@code 1:3,5}. */
    private static SortedSet<Long> jamesFailed(StatusResponse.ResponseCode code) {
        SortedSet<Long> failed = new TreeSet<>();
        if (code == null || !"MODIFIED".equals(code.getCode())) {
            return failed;
        }
        for (String parameter : code.getParameters()) {
            for (String range : parameter.split(",")) {
                String[] ends = range.split(":");
                try {
                    long low = Long.parseLong(ends[0]);
                    long high = ends.length > 1 ? Long.parseLong(ends[1]) : low;
                    for (long n = Math.min(low, high); n <= Math.max(low, high); n++) {
                        failed.add(n);
                    }
                } catch (NumberFormatException notANumber) {
                    // "*" stands for no message (James's empty set); nothing to add
                }
            }
        }
        return failed;
    }
}
