package dev.liaison.smtp.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import org.apache.james.core.Username;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.esmtp.AuthCmdHandler;

/**
 * James's AUTH command, refused until TLS is active, with its own AUTH PLAIN and AUTH LOGIN
 * exchanges.
 *
 * <p>James only hides AUTH from the EHLO reply before STARTTLS; it still runs an AUTH a client sends
 * anyway, which would put the password on the wire in clear text. RFC 4954 §4 names the reply:
 * {@code 538 5.7.11}. James's own exchanges fall short of RFC 4954 §4 and RFC 4616: its AUTH LOGIN
 * throws on a user name that is not base64 (the connection then drops with {@code 451}); its AUTH
 * PLAIN answers an undecodable response with 501 but keeps waiting for another (so the client's next
 * commands are read as credentials and count as failed logins), ignores an authorization identity
 * naming another user instead of failing, and its replies carry no enhanced status code. Here every
 * exchange ends with its first answer: {@code 501 5.5.2} for what does not decode, {@code 501 5.7.0}
 * for a cancel, {@code 535 5.7.8} for a request to act as someone else, {@code 504 5.5.4} for
 * another mechanism.
 */
public final class TlsRequiredAuthCmdHandler extends AuthCmdHandler {

    private static final Response ENCRYPTION_REQUIRED = fixed("538",
            "5.7.11 Encryption required for requested authentication mechanism; issue STARTTLS first");
    private static final Response USERNAME_PROMPT = fixed("334", "VXNlcm5hbWU6");
    private static final Response PASSWORD_PROMPT = fixed("334", "UGFzc3dvcmQ6");
    private static final Response NOT_BASE64 = fixed("501", "5.5.2 Cannot decode the response: it is not base64");
    private static final Response ABORTED = fixed("501", "5.7.0 Authentication aborted");
    private static final Response BAD_LOGIN = fixed("535", "5.7.8 Authentication credentials invalid");
    private static final Response PLAIN_PROMPT = fixed("334", "");
    private static final Response NOT_PLAIN = fixed("501", "5.5.2 Cannot decode the response: PLAIN is"
            + " base64 of authorization id, NUL, user name, NUL, password (RFC 4616)");
    private static final Response NOT_DELEGATING = fixed("535", "5.7.8 Authentication credentials invalid:"
            + " this server does not let one user act as another; leave the authorization identity empty");
    private static final Response UNKNOWN_MECHANISM = fixed("504", "5.5.4 Unrecognized authentication type;"
            + " use PLAIN or LOGIN");
    private static final Response NO_MECHANISM = fixed("501", "5.5.4 Syntax: AUTH mechanism [initial-response]");
    private static final Response HELLO_FIRST = fixed("503", "5.5.1 Send EHLO first (after STARTTLS too, RFC 3207)");

    @Override
    public Response onCommand(SMTPSession session, Request request) {
        if (!session.isTLSStarted()) {
            return ENCRYPTION_REQUIRED;
        }
        if (session.getAttachment(SMTPSession.CURRENT_HELO_MODE, State.Connection).isEmpty()) {
            return HELLO_FIRST; // AUTH is an EHLO extension, and STARTTLS forgot the EHLO before it (as Postfix does)
        }
        String argument = request.getArgument();
        if (session.getUsername() != null) {
            return super.onCommand(session, request); // James's 503: authenticated already
        }
        if (argument == null || argument.isBlank()) {
            return NO_MECHANISM;
        }
        String[] parts = argument.strip().split(" +", 2);
        Optional<String> initial = parts.length == 2 ? Optional.of(parts[1]) : Optional.empty();
        return switch (parts[0].toUpperCase(Locale.ROOT)) {
            case "LOGIN" -> initial.isPresent() ? expectPassword(session, decode(initial.get())) : expectUsername(session);
            case "PLAIN" -> initial.isPresent() ? plain(session, initial.get()) : expectPlain(session);
            default -> UNKNOWN_MECHANISM;
        };
    }

    private Response expectPlain(SMTPSession session) {
        session.pushLineHandler((LineHandler<SMTPSession>) (s, line) -> {
            s.popLineHandler();
            return plain(s, text(line)); // a cancel ("*") included
        });
        return PLAIN_PROMPT;
    }

    /** RFC 4616 §2: {@code [authzid] NUL authcid NUL passwd}; an authzid may only name the user itself. */
    private Response plain(SMTPSession session, String response) {
        if (isCancel(response)) {
            return ABORTED;
        }
        Optional<String> decoded = decode(response);
        if (decoded.isEmpty()) {
            return NOT_BASE64;
        }
        String[] fields = decoded.get().split("\0", -1);
        if (fields.length != 3 || fields[1].isEmpty() || fields[2].isEmpty()) {
            return NOT_PLAIN;
        }
        if (!fields[0].isEmpty() && !fields[0].equalsIgnoreCase(fields[1])) {
            return NOT_DELEGATING;
        }
        return check(session, fields[1], fields[2], "PLAIN");
    }

    private Response expectUsername(SMTPSession session) {
        session.pushLineHandler((LineHandler<SMTPSession>) (s, line) -> {
            s.popLineHandler();
            return isCancel(text(line)) ? ABORTED : expectPassword(s, decode(text(line)));
        });
        return USERNAME_PROMPT;
    }

    private Response expectPassword(SMTPSession session, Optional<String> login) {
        if (login.isEmpty()) {
            return NOT_BASE64;
        }
        session.pushLineHandler((LineHandler<SMTPSession>) (s, line) -> {
            s.popLineHandler();
            if (isCancel(text(line))) {
                return ABORTED;
            }
            Optional<String> password = decode(text(line));
            return password.isEmpty() ? NOT_BASE64 : check(s, login.get(), password.get(), "LOGIN");
        });
        return PASSWORD_PROMPT;
    }

    private Response check(SMTPSession session, String login, String password, String mechanism) {
        Username username;
        try {
            username = Username.of(login);
        } catch (IllegalArgumentException notAUserName) {
            return BAD_LOGIN;
        }
        return doAuthTest(session, username, password, mechanism);
    }

    /** RFC 4954 §4: a client cancels an exchange with a line holding only "*". */
    private static boolean isCancel(String response) {
        return response.equals("*");
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
