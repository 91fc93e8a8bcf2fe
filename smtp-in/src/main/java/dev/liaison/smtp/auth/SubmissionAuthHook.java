package dev.liaison.smtp.auth;

import dev.liaison.smtp.submission.AuthenticatedUser;
import dev.liaison.smtp.submission.Credentials;
import dev.liaison.smtp.submission.SubmissionAuthenticator;
import dev.liaison.smtp.submission.SubmissionEvents;
import dev.liaison.smtp.submission.SubmissionEvents.AuthOutcome;
import dev.liaison.smtp.submission.TemporaryFailureException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import org.apache.james.core.Username;
import org.apache.james.protocols.api.OidcSASLConfiguration;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.AuthHook;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers AUTH PLAIN and AUTH LOGIN: is this login and password one of gateway's users? The
 * {@link AuthThrottle} is asked first, so a throttled attempt is refused without being checked and
 * a guesser learns nothing from it. Never logs the password nor the login (STYLE §8).
 */
public final class SubmissionAuthHook implements AuthHook {

    private static final Logger LOG = LoggerFactory.getLogger(SubmissionAuthHook.class);

    private static final HookResult SUCCESS = reply(HookReturnCode.ok(), "235", "2.7.0 Authentication successful");
    private static final HookResult INVALID = reply(HookReturnCode.deny(), "535",
            "5.7.8 Authentication credentials invalid");
    private static final HookResult UNAVAILABLE = reply(HookReturnCode.denySoft(), "454",
            "4.7.0 Temporary authentication failure; try again later");

    private final SubmissionAuthenticator authenticator;
    private final AuthThrottle throttle;
    private final SubmissionEvents events;

    public SubmissionAuthHook(SubmissionAuthenticator authenticator, AuthThrottle throttle, SubmissionEvents events) {
        this.authenticator = authenticator;
        this.throttle = throttle;
        this.events = events;
    }

    @Override
    public HookResult doAuth(SMTPSession session, Username username, String password) {
        InetAddress client = session.getRemoteAddress().getAddress();
        String login = username.asString();
        Optional<Duration> wait = throttle.waitBefore(client, login);
        if (wait.isPresent()) {
            logFailure(session, client, "throttled");
            events.authenticated(AuthOutcome.THROTTLED);
            return throttled(wait.get());
        }
        Optional<AuthenticatedUser> user;
        try {
            user = authenticator.authenticate(new Credentials(login, password, client));
        } catch (TemporaryFailureException | RuntimeException e) {
            LOG.warn("AUTH for session {} could not be checked: {}", session.getSessionID(), e.toString());
            events.authenticated(AuthOutcome.UNAVAILABLE);
            return UNAVAILABLE;
        }
        if (user.isEmpty()) {
            throttle.recordFailure(client, login);
            logFailure(session, client, "credentials");
            events.authenticated(AuthOutcome.INVALID);
            return INVALID;
        }
        throttle.recordSuccess(client, login);
        SessionUser.authenticate(session, user.get(), username);
        events.authenticated(AuthOutcome.SUCCEEDED);
        LOG.debug("AUTH succeeded for session {} as user {}", session.getSessionID(), user.get().id());
        return SUCCESS;
    }

    /**
     * One WARN line per refused attempt, with the client's address, for fail2ban and the like
     * (format in docs/operations.md, Logs): {@code credentials} when the login and password were
     * checked and refused, {@code throttled} when refused unchecked after earlier failures. Never
     * the login: a user who typed the password into the login field would have it logged.
     */
    private static void logFailure(SMTPSession session, InetAddress client, String reason) {
        LOG.warn("authentication failed service=submission client={} session={} reason={}", logged(client),
                session.getSessionID(), reason);
    }

    /**
     * The address as fail2ban's {@code <HOST>} matches it: without the scope of a link-local IPv6
     * address ({@code fe80:0:0:0:0:0:0:1%eth0} is written {@code fe80:0:0:0:0:0:0:1}), which the
     * filter did not match. imap-out's FailedAuthentication writes it the same way.
     */
    static String logged(InetAddress client) {
        String text = client.getHostAddress();
        int scope = text.indexOf('%');
        return scope < 0 ? text : text.substring(0, scope);
    }

    /** OAUTHBEARER is never advertised; say nothing so James answers "unrecognized". */
    @Override
    public HookResult doSasl(SMTPSession session, OidcSASLConfiguration configuration, String initialResponse) {
        return HookResult.DECLINED;
    }

    /** RFC 4616 authorization identities (acting as someone else) are not supported. */
    @Override
    public HookResult doDelegation(SMTPSession session, Username target) {
        return INVALID;
    }

    private static HookResult throttled(Duration wait) {
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        return reply(HookReturnCode.denySoft(), "454", "4.7.0 Too many failed authentication attempts; try again in "
                + seconds + " seconds");
    }

    private static HookResult reply(HookReturnCode code, String smtpCode, String text) {
        return HookResult.builder().hookReturnCode(code).smtpReturnCode(smtpCode).smtpDescription(text).build();
    }
}
