package dev.liaison.smtp.auth;

import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.esmtp.AuthCmdHandler;

/**
 * James's AUTH command, refused until TLS is active. James only hides AUTH from the EHLO reply
 * before STARTTLS; it still runs an AUTH a client sends anyway, which would put the password on
 * the wire in clear text. RFC 4954 §4 names the reply: {@code 538 5.7.11}.
 */
public final class TlsRequiredAuthCmdHandler extends AuthCmdHandler {

    private static final Response ENCRYPTION_REQUIRED = new SMTPResponse("538",
            "5.7.11 Encryption required for requested authentication mechanism; issue STARTTLS first").immutable();

    @Override
    public Response onCommand(SMTPSession session, Request request) {
        if (!session.isTLSStarted()) {
            return ENCRYPTION_REQUIRED;
        }
        return super.onCommand(session, request);
    }
}
