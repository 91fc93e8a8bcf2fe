package dev.liaison.imap.server;

import org.apache.james.core.Username;
import org.apache.james.imap.api.ImapSessionState;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.request.ImapRequest;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapProcessor.Responder;
import org.apache.james.imap.api.process.ImapSession;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;

/**
 * LOGIN's and AUTHENTICATE's side of the {@link LoginThrottle}: a throttled attempt is answered
 * {@code NO [UNAVAILABLE] … try again in N seconds} without its password being checked (a guess
 * teaches nothing, as Dovecot's auth penalty and submission's AUTH throttle), a refused one is
 * counted, a successful one clears the address. The login being checked is kept on the session
 * while James checks it, because James's failure counting, where a refusal is seen, is not told it.
 */
final class ThrottledLogins {

    /** Session attribute: the login James is checking now (a String). */
    private static final String CHECKING = "liaison.login-being-checked";

    private final LoginThrottle throttle;

    ThrottledLogins(LoginThrottle throttle) {
        this.throttle = throttle;
    }

    /**
     * Answers the attempt if its address (or login) must still wait; otherwise remembers the login
     * for {@link #refused} and returns false: the caller checks it, then calls {@link #checked}.
     */
    boolean answeredThrottled(ImapSession session, Username login, StatusResponseFactory responses, ImapRequest request,
                              Responder responder) {
        String typed = login == null ? "" : login.asString();
        Optional<InetAddress> client = FailedAuthentication.clientAddress(session);
        Optional<Duration> wait = client.flatMap(address -> throttle.waitBefore(address, typed));
        if (wait.isEmpty()) {
            session.setAttribute(CHECKING, typed);
            return false;
        }
        FailedAuthentication.log(session, "throttled");
        responder.respond(responses.taggedNo(request.getTag(), request.getCommand(), tryAgainIn(wait.get()),
                ResponseCodeEncoder.UNAVAILABLE));
        responder.flush();
        return true;
    }

    /** James refused the login being checked (wrong password, unknown or disabled user, undecodable). */
    void refused(ImapSession session) {
        if (session.getAttribute(CHECKING) instanceof String login) {
            FailedAuthentication.clientAddress(session).ifPresent(address -> throttle.failed(address, login));
        }
    }

    /** After the check: a successful login clears its address's failures. */
    void checked(ImapSession session) {
        Object login = session.getAttribute(CHECKING);
        session.setAttribute(CHECKING, null);
        if (login instanceof String typed && session.getState() == ImapSessionState.AUTHENTICATED) {
            FailedAuthentication.clientAddress(session).ifPresent(address -> throttle.succeeded(address, typed));
            // the connection no longer counts against its address's connections not logged in
            SessionChannel.of(session).ifPresent(channel -> channel.pipeline().fireUserEventTriggered(
                    ConnectionCaps.LOGGED_IN));
        }
    }

    /** Whole seconds, rounded up, never 0 (submission's 454 counts the same way). */
    static HumanReadableText tryAgainIn(Duration wait) {
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        return new HumanReadableText("dev.liaison.imap.LOGIN_THROTTLED",
                "Too many failed logins from your address; try again in " + seconds + " seconds");
    }
}
