package dev.liaison.imap.server;

import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.message.request.MoveRequest;
import org.apache.james.imap.message.response.ExpungeResponse;
import org.apache.james.imap.message.response.VanishedResponse;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.metrics.api.MetricFactory;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.List;

/**
 * MOVE (RFC 6851). James's processor does the move; this one fixes what the client hears. RFC
 * 6851 §4.3: with UIDPLUS the server "SHOULD send an untagged OK with COPYUID before the
 * EXPUNGE responses", because a client that sees the EXPUNGEs first has already lost the source
 * messages' sequence numbers when it learns where they went. James sent COPYUID only in the
 * tagged OK, after the EXPUNGEs, and with the request's set as source UIDs ({@link CopyUid}).
 * Here EXPUNGE and VANISHED responses are held back until the outcome is known, then written
 * after {@code * OK [COPYUID ...]}; the tagged OK carries no code.
 */
final class MoveProcessor extends org.apache.james.imap.processor.MoveProcessor {

    private static final HumanReadableText MOVED = new HumanReadableText("org.apache.james.imap.MOVED", "moved");
    private final StatusResponseFactory responses;

    MoveProcessor(MailboxManager mailboxes, StatusResponseFactory responses, MetricFactory metrics) {
        super(mailboxes, responses, metrics);
        this.responses = responses;
    }

    @Override
    protected Mono<Void> processRequestReactive(MoveRequest request, ImapSession session, Responder responder) {
        return CopyUid.sources(request, session, this::messageRange)
                .flatMap(sources -> super.processRequestReactive(request, session, new CopyUidFirst(responder, sources)));
    }

    /** Holds EXPUNGE/VANISHED until the tagged answer, then writes COPYUID first. */
    private final class CopyUidFirst implements Responder {
        private final Responder responder;
        private final List<MessageUid> sources;
        private final List<ImapResponseMessage> held = new ArrayList<>();

        CopyUidFirst(Responder responder, List<MessageUid> sources) {
            this.responder = responder;
            this.sources = sources;
        }

        @Override
        public synchronized void respond(ImapResponseMessage message) {
            if (message instanceof ExpungeResponse || message instanceof VanishedResponse) {
                held.add(message);
            } else if (message instanceof StatusResponse status && status.getTag() != null) {
                finish(status);
            } else {
                responder.respond(message);
            }
        }

        private void finish(StatusResponse status) {
            StatusResponse.ResponseCode code = status.getResponseCode();
            boolean copyUid = status.getServerResponseType() == StatusResponse.Type.OK && code != null
                    && "COPYUID".equals(code.getCode());
            if (copyUid) {
                CopyUid.withSources(code, sources)
                        .ifPresent(fixed -> responder.respond(responses.untaggedOk(MOVED, fixed)));
            }
            held.forEach(responder::respond);
            held.clear();
            responder.respond(copyUid ? responses.taggedOk(status.getTag(), status.getCommand(), status.getTextKey())
                    : status);
        }

        @Override
        public synchronized void flush() {
            responder.flush();
        }
    }
}
