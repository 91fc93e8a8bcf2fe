package dev.liaison.smtp.auth;

import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.esmtp.StartTlsCmdHandler;

/**
 * James's STARTTLS, plus what RFC 3207 §4.2 requires and James omits: after the upgrade the
 * server forgets what the client said in plaintext, including its EHLO. The client must EHLO
 * again before MAIL, and the {@code Received:} field never carries a name an on-path attacker
 * could have injected before TLS.
 */
public final class StartTlsCmdHandlerForgettingHello extends StartTlsCmdHandler {

    @Override
    public Response onCommand(SMTPSession session, Request request) {
        Response response = super.onCommand(session, request);
        if ("220".equals(response.getRetCode())) {
            session.removeAttachment(SMTPSession.CURRENT_HELO_MODE, State.Connection);
            session.removeAttachment(SMTPSession.CURRENT_HELO_NAME, State.Connection);
        }
        return response;
    }
}
