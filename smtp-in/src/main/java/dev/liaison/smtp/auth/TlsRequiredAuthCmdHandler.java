package dev.liaison.smtp.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import org.apache.james.core.Username;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.esmtp.AuthCmdHandler;

/**
 * James's AUTH command, refused until TLS is active, with its own AUTH LOGIN exchange.
 *
 * <p>James only hides AUTH from the EHLO reply before STARTTLS; it still runs an AUTH a client sends
 * anyway, which would put the password on the wire in clear text. RFC 4954 §4 names the reply:
 * {@code 538 5.7.11}. James's AUTH LOGIN throws on a user name that is not base64 (the connection
 * then drops with {@code 451}); here that is the {@code 501 5.5.2} RFC 4954 §4 asks for. AUTH PLAIN
 * stays James's (it already answers undecodable input with 501).
 */
public final class TlsRequiredAuthCmdHandler extends AuthCmdHandler {

    private static final Response ENCRYPTION_REQUIRED = fixed("538",
            "5.7.11 Encryption required for requested authentication mechanism; issue STARTTLS first");
    private static final Response USERNAME_PROMPT = fixed("334", "VXNlcm5hbWU6");
    private static final Response PASSWORD_PROMPT = fixed("334", "UGFzc3dvcmQ6");
    private static final Response NOT_BASE64 = fixed("501", "5.5.2 Cannot decode the response: it is not base64");
    private static final Response ABORTED = fixed("501", "5.7.0 Authentication aborted");
    private static final Response BAD_LOGIN = fixed("535", "5.7.8 Authentication credentials invalid");

    @Override
    public Response onCommand(SMTPSession session, Request request) {
        if (!session.isTLSStarted()) {
            return ENCRYPTION_REQUIRED;
        }
        String argument = request.getArgument();
        if (argument != null && session.getUsername() == null
                && argument.split(" ", 2)[0].toUpperCase(Locale.ROOT).equals("LOGIN")) {
            String[] parts = argument.split(" ", 2);
            return parts.length == 2 ? expectPassword(session, decode(parts[1])) : expectUsername(session);
        }
        return super.onCommand(session, request);
    }

    private Response expectUsername(SMTPSession session) {
        session.pushLineHandler((LineHandler<SMTPSession>) (s, line) -> {
            s.popLineHandler();
            return isCancel(line) ? ABORTED : expectPassword(s, decode(text(line)));
        });
        return USERNAME_PROMPT;
    }

    private Response expectPassword(SMTPSession session, Optional<String> login) {
        if (login.isEmpty()) {
            return NOT_BASE64;
        }
        session.pushLineHandler((LineHandler<SMTPSession>) (s, line) -> {
            s.popLineHandler();
            if (isCancel(line)) {
                return ABORTED;
            }
            Optional<String> password = decode(text(line));
            return password.isEmpty() ? NOT_BASE64 : check(s, login.get(), password.get());
        });
        return PASSWORD_PROMPT;
    }

    private Response check(SMTPSession session, String login, String password) {
        Username username;
        try {
            username = Username.of(login);
        } catch (IllegalArgumentException notAUserName) {
            return BAD_LOGIN;
        }
        return doAuthTest(session, username, password, "LOGIN");
    }

    /** RFC 4954 §4: a client cancels an exchange with a line holding only "*". */
    private static boolean isCancel(byte[] line) {
        return text(line).equals("*");
    }

    private static String text(byte[] line) {
        return new String(line, StandardCharsets.US_ASCII).strip();
    }

    private static Optional<String> decode(String base64) {
        try {
            return Optional.of(new String(Base64.getDecoder().decode(base64.strip()), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Response fixed(String code, String text) {
        return new SMTPResponse(code, text).immutable();
    }
}
