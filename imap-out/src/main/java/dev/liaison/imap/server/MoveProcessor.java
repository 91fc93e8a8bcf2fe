package dev.liaison.imap.server;

import org.apache.james.imap.api.ImapConstants;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.IdRange;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.message.request.MoveRequest;
import org.apache.james.imap.message.response.ExpungeResponse;
import org.apache.james.imap.message.response.VanishedResponse;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.MessageRangeException;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.metrics.api.MetricFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

/**
 * MOVE (RFC 6851). James's processor does the move; this one fixes what the client hears. RFC
 * 6851 §4.3: with UIDPLUS the server "SHOULD send an untagged OK with COPYUID before the
 * EXPUNGE responses", because a client that sees the EXPUNGEs first has already lost the source
 * messages' sequence numbers when it learns where they went. James sent COPYUID only in the
 * tagged OK, after the EXPUNGEs, and with the request's set as source UIDs ({@link CopyUid}).
 * Here EXPUNGE and VANISHED responses are held back until the outcome is known, then written
 * after {@code * OK [COPYUID ...]}. By sequence numbers, all of the messages named move or none
 * ({@link ExpungeIssued}).
 *
 * <p>With QRESYNC enabled, the tagged OK of a MOVE that took messages away carries the source
 * folder's HIGHESTMODSEQ, as that of EXPUNGE and UID EXPUNGE does when messages were expunged
 * under QRESYNC (RFC 7162's EXPUNGE and UID EXPUNGE sections, RFC 5162 §3.3 and §3.5 before it;
 * James's ExpungeProcessor does so): MOVE is COPY, then UID EXPUNGE of the messages (RFC 6851
 * §3.3), and the expunge raised the folder's mod-sequence (RFC 7162 §3.2). James's answered a
 * plain OK, so a client kept resynchronising from before the move. Dovecot and mox answer the
 * same way; with CONDSTORE alone, as for EXPUNGE, the OK has no code. The value is read as James's
 * EXPUNGE reads it.
 */
final class MoveProcessor extends org.apache.james.imap.processor.MoveProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(MoveProcessor.class);
    private static final HumanReadableText MOVED = new HumanReadableText("org.apache.james.imap.MOVED", "moved");
    private final StatusResponseFactory responses;

    MoveProcessor(MailboxManager mailboxes, StatusResponseFactory responses, MetricFactory metrics) {
        super(mailboxes, responses, metrics);
        this.responses = responses;
    }

    /** UID COPY/MOVE in a folder the session sees empty: the store's messages, or nothing and OK ({@link EmptyFolderUids}). */
    @Override
    protected Optional<MessageRange> messageRange(SelectedMailbox selected, IdRange range, boolean useUids)
            throws MessageRangeException {
        Optional<MessageRange> empty = EmptyFolderUids.inEmptyView(selected, range, useUids);
        return empty.isPresent() ? empty : super.messageRange(selected, range, useUids);
    }

    @Override
    protected Mono<Void> processRequestReactive(MoveRequest request, ImapSession session, Responder responder) {
        return CopyUid.sources(request, session, this::messageRange)
                .flatMap(sources -> {
                    CopyUidFirst answer = new CopyUidFirst(responder, sources);
                    return ExpungeIssued.orRefuse(request, session.getSelected(), sources, responses, answer,
                                    () -> super.processRequestReactive(request, session, answer))
                            .then(Mono.defer(() -> highestModSeq(session, answer)))
                            .map(Optional::of)
                            .defaultIfEmpty(Optional.empty())
                            .doOnNext(answer::finish)
                            .then();
                });
    }

    /** The source folder's HIGHESTMODSEQ, if the tagged OK is to carry it. */
    private Mono<ModSeq> highestModSeq(ImapSession session, CopyUidFirst answer) {
        if (!answer.moved() || !EnableProcessor.getEnabledCapabilities(session).contains(ImapConstants.SUPPORTS_QRESYNC)) {
            return Mono.empty();
        }
        return getSelectedMailboxReactive(session, Mono.empty())
                .flatMap(mailbox -> metaData(mailbox, session))
                .map(MessageManager.MailboxMetaData::getHighestModSeq)
                .onErrorResume(e -> {
                    // the messages moved: the client must still hear of them, and OK, without the code
                    // (any failure, not only James's: a lost database connection is a RuntimeException)
                    LOG.warn("MOVE: cannot read the source folder's HIGHESTMODSEQ: {}", e.getClass().getSimpleName());
                    return Mono.empty();
                });
    }

    private static Mono<MessageManager.MailboxMetaData> metaData(MessageManager mailbox, ImapSession session) {
        try {
            return mailbox.getMetaDataReactive(MessageManager.MailboxMetaData.RecentMode.IGNORE, session.getMailboxSession(),
                    EnumSet.of(MessageManager.MailboxMetaData.Item.HighestModSeq));
        } catch (MailboxException e) {
            return Mono.error(e);
        }
    }

    /** Holds EXPUNGE/VANISHED and the tagged answer until {@link #finish}, then writes COPYUID first. */
    private final class CopyUidFirst implements Responder {
        private final Responder responder;
        private final List<MessageUid> sources;
        private final List<ImapResponseMessage> held = new ArrayList<>();
        private StatusResponse tagged;

        CopyUidFirst(Responder responder, List<MessageUid> sources) {
            this.responder = responder;
            this.sources = sources;
        }

        @Override
        public synchronized void respond(ImapResponseMessage message) {
            if (message instanceof ExpungeResponse || message instanceof VanishedResponse) {
                held.add(message);
            } else if (message instanceof StatusResponse status && status.getTag() != null) {
                tagged = status;
            } else {
                responder.respond(message);
            }
        }

        /** Whether the move succeeded and took messages from the source folder. */
        synchronized boolean moved() {
            return tagged != null && tagged.getServerResponseType() == StatusResponse.Type.OK && !held.isEmpty();
        }

        /** Writes COPYUID, the held EXPUNGE/VANISHED responses and the tagged answer, with {@code highestModSeq}. */
        synchronized void finish(Optional<ModSeq> highestModSeq) {
            if (tagged == null) {
                held.forEach(responder::respond);
                held.clear();
                return;
            }
            StatusResponse.ResponseCode code = tagged.getResponseCode();
            boolean copyUid = tagged.getServerResponseType() == StatusResponse.Type.OK && code != null
                    && "COPYUID".equals(code.getCode());
            if (copyUid) {
                CopyUid.withSources(code, sources)
                        .ifPresent(fixed -> responder.respond(responses.untaggedOk(MOVED, fixed)));
            }
            held.forEach(responder::respond);
            held.clear();
            if (highestModSeq.isPresent()) {
                responder.respond(responses.taggedOk(tagged.getTag(), tagged.getCommand(), tagged.getTextKey(),
                        StatusResponse.ResponseCode.highestModSeq(highestModSeq.get())));
            } else {
                responder.respond(copyUid ? responses.taggedOk(tagged.getTag(), tagged.getCommand(), tagged.getTextKey())
                        : tagged);
            }
        }

        @Override
        public synchronized void flush() {
            responder.flush();
        }
    }
}
