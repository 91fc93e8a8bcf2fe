package dev.liaison.smtp.server;

import dev.liaison.smtp.submission.SubmissionEvents;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.ConnectHandler;
import org.apache.james.protocols.api.handler.DisconnectHandler;
import org.apache.james.protocols.smtp.SMTPSession;

/**
 * Tells {@link SubmissionEvents} when a connection opens and closes; answers nothing itself, so
 * the greeting stays {@code WelcomeMessageHandler}'s.
 */
final class SessionEvents implements ConnectHandler<SMTPSession>, DisconnectHandler<SMTPSession> {

    private final SubmissionEvents events;

    SessionEvents(SubmissionEvents events) {
        this.events = events;
    }

    @Override
    public Response onConnect(SMTPSession session) {
        events.sessionOpened();
        return null;
    }

    /**
     * James calls this with no session for a connection the connection limits closed before the
     * session was created; such a connection was never counted as opened.
     */
    @Override
    public void onDisconnect(SMTPSession session) {
        if (session != null) {
            events.sessionClosed();
        }
    }
}
