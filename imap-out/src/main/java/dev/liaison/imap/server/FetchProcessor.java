package dev.liaison.imap.server;

import org.apache.james.imap.api.message.FetchData;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.message.request.FetchRequest;
import org.apache.james.imap.message.response.FetchResponse;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.metrics.api.MetricFactory;
import reactor.core.publisher.Mono;

/**
 * FETCH: James's, with envelope names as the message writes them ({@link EnvelopeNames}). Only
 * a FETCH that asks for an envelope (ENVELOPE, or BODY/BODYSTRUCTURE, which describe attached
 * messages with one) goes through the fix; FLAGS and body fetches are untouched.
 */
final class FetchProcessor extends org.apache.james.imap.processor.fetch.FetchProcessor {

    FetchProcessor(MailboxManager mailboxes, StatusResponseFactory responses, MetricFactory metrics) {
        super(mailboxes, responses, metrics);
    }

    @Override
    protected Mono<Void> processRequestReactive(FetchRequest request, ImapSession session, Responder responder) {
        FetchData fetch = request.getFetch();
        boolean envelopes = fetch.contains(FetchData.Item.ENVELOPE) || fetch.contains(FetchData.Item.BODY)
                || fetch.contains(FetchData.Item.BODY_STRUCTURE);
        return super.processRequestReactive(request, session, envelopes ? new Unquoting(responder) : responder);
    }

    private record Unquoting(Responder responder) implements Responder {
        @Override
        public void respond(ImapResponseMessage message) {
            responder.respond(message instanceof FetchResponse fetch ? EnvelopeNames.unquoted(fetch) : message);
        }

        @Override
        public void flush() {
            responder.flush();
        }
    }
}
