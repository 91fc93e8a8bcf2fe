package dev.liaison.imap.server;

import org.apache.james.imap.api.ImapSessionState;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.mailbox.MailboxSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Ends the sessions of a user who was disabled or removed after logging in (an employee who left
 * must lose the mailbox, not only new logins). LOGIN is the only moment James asks who the user
 * is, so an open session kept answering NOOP, FETCH, SELECT and IDLE for good. The user's state is
 * asked again ({@link ActiveUsers}) on the first command more than {@link #interval} after the user
 * was last known active (the successful LOGIN or AUTHENTICATE, {@link #loggedIn}, or the last
 * check), and every {@code interval} during IDLE; a user no longer active hears {@code * BYE} and
 * the connection ends. So no command runs more than an interval after the user was disabled.
 * Between checks a command costs one clock read: no database query per command.
 * A failed check lets the session go on and asks again after the next interval.
 */
public final class AccountCheck {

    /** No checks: every user stays active (services without user administration, tests). */
    public static final AccountCheck NONE = new AccountCheck(ActiveUsers.EVERYONE, Limits.ACCOUNT_CHECK_INTERVAL,
            Clock.systemUTC());

    /** The {@code * BYE} text: what happened and whom to ask. */
    static final HumanReadableText GONE = new HumanReadableText("dev.liaison.imap.ACCOUNT_DISABLED",
            "This account is no longer active; ask your administrator");

    private static final Logger LOG = LoggerFactory.getLogger(AccountCheck.class);
    /** Session attribute: when the user's state was last known active ({@link Instant}). */
    private static final String CHECKED_AT = "liaison.account-checked-at";
    /** Session attribute: which user the login found ({@link ActiveUsers#activeIdentity}). */
    private static final String IDENTITY = "liaison.account-identity";
    /** Session attribute: the user was found no longer active (by IDLE's check, before a DONE). */
    private static final String REVOKED = "liaison.account-revoked";

    private final ActiveUsers users;
    private final Duration interval;
    private final Clock clock;

    /** @param clock what {@code interval} is measured by on commands (tests move it) */
    public AccountCheck(ActiveUsers users, Duration interval, Clock clock) {
        this.users = Objects.requireNonNull(users, "users");
        this.interval = Objects.requireNonNull(interval, "interval");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("account check interval must be positive, not " + interval);
        }
    }

    Duration interval() {
        return interval;
    }

    /** The time on the check's clock, taken before LOGIN or AUTHENTICATE asks for the user ({@link #loggedIn}). */
    Instant now() {
        return clock.instant();
    }

    /**
     * {@code responder} for a LOGIN or AUTHENTICATE that began at {@code asked}: the session is
     * recorded as {@link #loggedIn} just before its {@code OK} is written, not after. Once the
     * client has read the {@code OK} it may disable nothing, but an administrator may: recorded
     * after, a user disabled in between left the session without its login's check, so its first
     * command asked again and ended a session the login had just let in.
     */
    ImapProcessor.Responder recordingLogin(ImapProcessor.Responder responder, ImapSession session, Instant asked) {
        return new ImapProcessor.Responder() {
            private boolean recorded;

            @Override
            public void respond(ImapResponseMessage message) {
                if (!recorded && message instanceof StatusResponse status && status.getTag() != null
                        && status.getServerResponseType() == StatusResponse.Type.OK
                        && session.getState() == ImapSessionState.AUTHENTICATED) {
                    recorded = true;
                    loggedIn(session, asked);
                }
                responder.respond(message);
            }

            @Override
            public void flush() {
                responder.flush();
            }
        };
    }

    /**
     * After a successful LOGIN or AUTHENTICATE that began at {@code asked}: the user was active
     * then (the authenticator refuses a disabled one), so the count starts there. Recording it at
     * the first command after the login instead let that command, however late, run unchecked.
     * The time is taken before the answer: a client may send its next command the moment it reads it.
     * Which user the login found is kept too ({@link ActiveUsers#activeIdentity}): a user removed and
     * another added under the same name is another user, and this session is not theirs.
     */
    void loggedIn(ImapSession session, Instant asked) {
        Optional<String> user = user(session);
        if (user.isEmpty()) {
            return;
        }
        try {
            Optional<Object> identity = users.activeIdentity(user.get());
            if (identity.isPresent()) {
                session.setAttribute(IDENTITY, identity.get());
                session.setAttribute(CHECKED_AT, asked);
            } // else gone since the password was checked: the first command asks again, and hears it
        } catch (Exception e) {
            // no identity, no time: the first command asks again (unknownIdentity)
            LOG.warn("IMAP account check after login failed, the next command asks again: {}", e.toString());
        }
    }

    /** Before a command: whether the session's user is no longer active, asking at most once per interval. */
    boolean revokedBeforeCommand(ImapSession session) {
        Optional<String> user = user(session);
        if (user.isEmpty()) {
            return false;
        }
        if (Boolean.TRUE.equals(session.getAttribute(REVOKED))) {
            return true;
        }
        Instant now = clock.instant();
        // no time recorded (a way of logging in that did not call loggedIn): unknown, so ask now
        if (session.getAttribute(CHECKED_AT) instanceof Instant checked && now.isBefore(checked.plus(interval))) {
            return false;
        }
        session.setAttribute(CHECKED_AT, now);
        Object identity = identity(session);
        return identity == null ? unknownIdentity(session, user.get()) : revoked(user.get(), identity);
    }

    /**
     * The login's question failed (the database, briefly): who the user is now is all there is to go
     * by, and the session keeps that from here on.
     */
    private boolean unknownIdentity(ImapSession session, String user) {
        try {
            Optional<Object> identity = users.activeIdentity(user);
            if (identity.isEmpty()) {
                LOG.info("IMAP session ended: its user is no longer active");
                return true;
            }
            session.setAttribute(IDENTITY, identity.get());
            return false;
        } catch (Exception e) {
            LOG.warn("IMAP account check failed, the session goes on and is checked again later: {}", e.toString());
            return false;
        }
    }

    /**
     * Whether {@code user} is no longer the active user {@code identity} the session logged in as
     * (disabled, removed, or removed and the name given to someone else), asked now (IDLE); may
     * block on the database, so it runs off the event loop and touches no session: the caller
     * marks it ({@link #markRevoked}) back on the loop, because the session's attributes are a
     * plain map only the loop may write.
     */
    boolean revoked(String user, Object identity) {
        try {
            if (users.activeIdentity(user).filter(identity::equals).isPresent()) {
                return false;
            }
            LOG.info("IMAP session ended: its user is no longer active");
            return true;
        } catch (Exception e) {
            LOG.warn("IMAP account check failed, the session goes on and is checked again later: {}", e.toString());
            return false;
        }
    }

    /** Which user the session logged in as, or null if the login could not ask (read on the session's loop). */
    static Object identity(ImapSession session) {
        return session.getAttribute(IDENTITY);
    }

    /** Found no longer active during IDLE: the next command ends the session too (a DONE may come first). */
    static void markRevoked(ImapSession session) {
        session.setAttribute(REVOKED, true);
    }

    /** The session's user, if logged in (IDLE reads it on the session's event loop, for {@link #revoked(String)}). */
    static Optional<String> user(ImapSession session) {
        ImapSessionState state = session.getState();
        MailboxSession mailboxSession = session.getMailboxSession();
        if (mailboxSession == null || (state != ImapSessionState.AUTHENTICATED && state != ImapSessionState.SELECTED)) {
            return Optional.empty();
        }
        return Optional.of(mailboxSession.getUser().asString());
    }
}
