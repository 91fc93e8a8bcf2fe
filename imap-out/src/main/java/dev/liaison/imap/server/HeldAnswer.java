package dev.liaison.imap.server;

import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.process.ImapProcessor.Responder;

import java.util.Optional;

/**
 * A responder that passes everything on but the command's tagged answer, which waits for
 * {@link #release}: what a processor of ours adds to James's answer goes out before it.
 */
final class HeldAnswer implements Responder {

    private final Responder responder;
    private StatusResponse tagged;

    HeldAnswer(Responder responder) {
        this.responder = responder;
    }

    @Override
    public void respond(ImapResponseMessage message) {
        if (message instanceof StatusResponse status && status.getTag() != null) {
            tagged = status;
        } else {
            responder.respond(message);
        }
    }

    /** The tagged answer, once given. */
    Optional<StatusResponse> tagged() {
        return Optional.ofNullable(tagged);
    }

    /** Whether the command was answered OK. */
    boolean ok() {
        return tagged != null && tagged.getServerResponseType() == StatusResponse.Type.OK;
    }

    /** Writes the tagged answer, if there is one. */
    void release() {
        if (tagged != null) {
            responder.respond(tagged);
        }
    }

    @Override
    public void flush() {
        responder.flush();
    }
}
