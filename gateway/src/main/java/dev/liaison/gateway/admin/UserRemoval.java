package dev.liaison.gateway.admin;

import dev.liaison.gateway.relationship.RelationshipControl;
import dev.liaison.imap.server.Limits;
import dev.liaison.imap.store.OwnerRemoval;
import dev.liaison.mapping.user.ActiveUserException;
import dev.liaison.mapping.user.Login;
import dev.liaison.mapping.user.PostgresUserStore;
import dev.liaison.mapping.user.RecentlyDisabledException;
import dev.liaison.mapping.user.UnknownUserException;
import dev.liaison.mapping.user.User;
import dev.liaison.mapping.user.UserStore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

/**
 * Removes a disabled user for good ({@code liaison user remove}), in the caller's transaction:
 * every schema it touches is in the one database, so the user is either wholly there or wholly
 * gone. In order:
 * <ol>
 * <li>relationship mail received for them and not yet filed (or quarantined) is discarded;</li>
 * <li>mail they sent that has not left yet is dropped, relayed and plain alike: its failure notice
 *     would have no mailbox to go to but, were the login given to someone else, theirs;</li>
 * <li>every relationship still open is ended as {@code liaison relationship end} ends it: the last
 *     envelope, telling the peer, is sealed and queued while the relationship's rows still exist;</li>
 * <li>every invitation still out keeps its address and pending state, ownerless, until it expires
 *     ({@link RelationshipControl#retireInvitations}): whoever accepts it is told it has ended;</li>
 * <li>their folders and messages, then their aliases (addresses retired, never handed out again),
 *     relationships, correspondents and the user row go.</li>
 * </ol>
 */
public final class UserRemoval {

    /** What went. */
    public record Removed(Login login, int messages, int aliasesRetired, RelationshipControl.Ended relationships,
                          int queuedDropped) {
    }

    private static final String OF_USER = "(SELECT r.id FROM mapping.relationships r WHERE r.user_id = ?)";

    /** Received envelopes whose recipient is one of the user's relationships; the ids stay (a resend is a no-op). */
    private static final String DISCARD_RECEIVED = "UPDATE transport.inbound SET state = 'discarded', envelope = NULL,"
            + " peer = NULL, recipient = NULL, finished_at = now() WHERE state IN ('pending', 'quarantined')"
            + " AND recipient IN " + OF_USER;
    private static final String FORGET_RECIPIENT = "UPDATE transport.inbound SET recipient = NULL WHERE recipient IN "
            + OF_USER;

    private static final String DROP_RELAYED = "DELETE FROM transport.outbound o USING relay.sent_messages m"
            + " WHERE m.envelope_id = o.envelope_id AND m.owner = ? AND o.state = 'pending'";
    private static final String FORGET_RELAYED = "DELETE FROM relay.sent_messages WHERE owner = ?";
    private static final String DROP_PLAIN = "DELETE FROM legacy.outbound o USING legacy.outbound_mail m"
            + " WHERE m.envelope_id = o.envelope_id AND m.owner = ? AND o.state = 'pending'";
    /** Finished rows too: their envelopes name the user's correspondents. */
    private static final String FORGET_PLAIN = "DELETE FROM legacy.outbound o USING legacy.outbound_mail m"
            + " WHERE m.envelope_id = o.envelope_id AND m.owner = ?";

    /** Addresses of relationships ended before (end removes them too) or never ended, such as a pending invitation's. */
    private static final String FORGET_ENDPOINTS = "DELETE FROM relay.endpoints WHERE relationship_id IN " + OF_USER;

    /**
     * How long after the disable (the user row's last change) every session of the user has ended:
     * an IMAP session checks its user on its first command a minute or more after its last check
     * ({@link Limits#ACCOUNT_CHECK_INTERVAL}), a submission connection before every message, plus a
     * margin for the clocks of the serving process and the database. Removed sooner, a session checked
     * just before the disable could serve the next user given the login until its next check.
     */
    static final Duration SESSIONS_ENDED = Limits.ACCOUNT_CHECK_INTERVAL.plusSeconds(30);

    private final RelationshipControl control;
    private final UserStore users = new PostgresUserStore();
    private final OwnerRemoval mailboxes = new OwnerRemoval();

    public UserRemoval(RelationshipControl control) {
        this.control = control;
    }

    /**
     * Removes {@code login}: {@link UnknownUserException} if there is none, {@link ActiveUserException}
     * unless disabled, {@link RecentlyDisabledException} if disabled (or changed) less than
     * {@link #SESSIONS_ENDED} ago. The user's row is locked first, so nobody enables them meanwhile.
     */
    public Removed remove(Connection c, Login login) throws SQLException {
        User user = users.lock(c, login).orElseThrow(() -> new UnknownUserException(login));
        if (user.active()) {
            throw new ActiveUserException(login);
        }
        Instant removable = user.updatedAt().plus(SESSIONS_ENDED);
        if (now(c).isBefore(removable)) {
            throw new RecentlyDisabledException(login, removable);
        }
        update(c, DISCARD_RECEIVED, user.id());
        update(c, FORGET_RECIPIENT, user.id());
        int dropped = update(c, DROP_RELAYED, login.value()) + update(c, DROP_PLAIN, login.value());
        update(c, FORGET_RELAYED, login.value());
        update(c, FORGET_PLAIN, login.value());
        RelationshipControl.Ended ended = control.endAll(c, login);
        control.retireInvitations(c, login); // whoever accepts one later is told it has ended
        update(c, FORGET_ENDPOINTS, user.id());
        int messages = mailboxes.remove(c, login.value());
        int retired = users.remove(c, login);
        return new Removed(login, messages, retired, ended, dropped);
    }

    private static Instant now(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT now()"); ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getTimestamp(1).toInstant();
        }
    }

    private static int update(Connection c, String sql, Object parameter) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, parameter);
            return s.executeUpdate();
        }
    }
}
