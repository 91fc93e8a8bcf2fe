package dev.liaison.imap.server;

import org.apache.james.imap.api.message.IdRange;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.message.request.CopyRequest;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MessageRangeException;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.metrics.api.MetricFactory;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.Optional;

/**
 * COPY (RFC 3501 §6.4.7) with a COPYUID (RFC 4315 §3) whose source set names the copied messages'
 * UIDs ({@link CopyUid}); James wrote the request's set as given, sequence numbers included. By
 * sequence numbers, all of the messages named or none ({@link ExpungeIssued}).
 */
final class CopyProcessor extends org.apache.james.imap.processor.CopyProcessor {

    private final StatusResponseFactory responses;

    CopyProcessor(MailboxManager mailboxes, StatusResponseFactory responses, MetricFactory metrics) {
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
    protected Mono<Void> processRequestReactive(CopyRequest request, ImapSession session, Responder responder) {
        return CopyUid.sources(request, session, this::messageRange)
                .flatMap(sources -> ExpungeIssued.orRefuse(request, session.getSelected(), sources, responses, responder,
                        () -> super.processRequestReactive(request, session, new SourceFixing(responder, sources))));
    }

    private final class SourceFixing implements Responder {
        private final Responder responder;
        private final List<MessageUid> sources;

        SourceFixing(Responder responder, List<MessageUid> sources) {
            this.responder = responder;
            this.sources = sources;
        }

        @Override
        public void respond(ImapResponseMessage message) {
            if (message instanceof StatusResponse status && status.getTag() != null
                    && status.getServerResponseType() == StatusResponse.Type.OK && status.getResponseCode() != null) {
                responder.respond(CopyUid.withSources(status.getResponseCode(), sources)
                        .map(code -> responses.taggedOk(status.getTag(), status.getCommand(), status.getTextKey(), code))
                        .orElseGet(() -> responses.taggedOk(status.getTag(), status.getCommand(), status.getTextKey())));
            } else {
                responder.respond(message);
            }
        }

        @Override
        public void flush() {
            responder.flush();
        }
    }
}
