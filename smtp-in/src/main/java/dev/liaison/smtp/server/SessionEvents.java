package dev.liaison.smtp.server;

import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.ConnectHandler;
import org.apache.james.protocols.api.handler.DisconnectHandler;
import org.apache.james.protocols.smtp.SMTPSession;

/**
 * Tells the service's events ({@code SubmissionEvents}, {@code InboundEvents}) when a connection
 * opens and closes; answers nothing itself, so the greeting stays {@code WelcomeMessageHandler}'s.
 */
final class SessionEvents implements ConnectHandler<SMTPSession>, DisconnectHandler<SMTPSession> {

    private final Runnable opened;
    private final Runnable closed;

    SessionEvents(Runnable opened, Runnable closed) {
        this.opened = opened;
        this.closed = closed;
    }

    @Override
    public Response onConnect(SMTPSession session) {
        opened.run();
        return null;
    }

    /** Called with no session for a connection that closed before its session was created: never counted as opened. */
    @Override
    public void onDisconnect(SMTPSession session) {
        if (session != null) {
            closed.run();
        }
    }
}
