package dev.liaison.gateway.legacy;

import dev.liaison.gateway.invitation.InvitationException;
import dev.liaison.gateway.relationship.Invitations;
import dev.liaison.gateway.relationship.RelationshipAliases;
import dev.liaison.mapping.correspondent.LegacyCorrespondent;
import dev.liaison.mapping.correspondent.LegacyCorrespondentStore;
import dev.liaison.mapping.relationship.RelationshipState;
import dev.liaison.mapping.user.Login;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Clock;
import java.util.Optional;

/**
 * The automatic upgrade of a legacy relationship (docs/legacy.md): every plain email the user's
 * gateway sends carries the relationship's own Communicator invitation; a Liaison gateway on the
 * other side accepts it once its user has accepted the relationship — at once when the mail
 * arrives, or when the user answers a request — and from then on the two aliases talk end-to-end
 * encrypted. A bad, expired, replayed or foreign invitation changes nothing: the mail is still
 * delivered as plain email.
 */
public final class LegacyUpgrades {

    private static final Logger LOG = LoggerFactory.getLogger(LegacyUpgrades.class);

    private final Invitations invitations;
    private final RelationshipAliases faces;
    private final Clock clock;
    private final LegacyCorrespondentStore store = new LegacyCorrespondentStore();

    public LegacyUpgrades(Invitations invitations, RelationshipAliases faces, Clock clock) {
        this.invitations = invitations;
        this.faces = faces;
        this.clock = clock;
    }

    /**
     * The invitation to put in the next plain email of this relationship; empty once upgraded, and
     * for a mailing list's posting address (one the user's received posts named in {@code List-Post}):
     * the list hands the post to every subscriber, and whichever took the invitation up first would
     * receive the user's posts to the list alone, end to end.
     */
    public Optional<String> offer(Connection c, LegacyCorrespondents.Link link, String ownName) throws SQLException {
        LegacyCorrespondent correspondent = link.correspondent();
        if (correspondent.upgraded() || store.isListPost(c, correspondent.ownerId(), correspondent.address())) {
            return Optional.empty();
        }
        return invitations.offerFor(c, link.relationship().id(), ownName);
    }

    /**
     * The correspondent's gateway offered {@code invitation}: accepted now if the user has accepted
     * the relationship and it has no protocol state of its own yet, otherwise kept for when the user
     * answers. Returns whether the relationship is upgraded now.
     */
    public boolean offered(Connection c, LegacyCorrespondents.Link link, String invitation, String ownName)
            throws SQLException {
        if (link.correspondent().upgraded() || link.relationship().protocolState().length() != 0
                || invitation.length() > LegacyCorrespondentStore.MAX_OFFER_LENGTH) {
            return false; // upgraded already, or our own invitation is out: the correspondent accepts ours
        }
        if (link.relationship().state() != RelationshipState.ACTIVE) {
            store.offer(c, link.relationship().id(), Optional.of(invitation));
            return false;
        }
        return accept(c, link, invitation, ownName);
    }

    /** The user answered: accept what the correspondent offered meanwhile, if anything. */
    public boolean answered(Connection c, LegacyCorrespondents.Link link, String ownName) throws SQLException {
        Optional<String> offered = link.correspondent().offeredInvitation();
        if (offered.isEmpty() || link.correspondent().upgraded() || link.relationship().protocolState().length() != 0) {
            return false;
        }
        store.offer(c, link.relationship().id(), Optional.empty());
        return accept(c, link, offered.get(), ownName);
    }

    private boolean accept(Connection c, LegacyCorrespondents.Link link, String invitation, String ownName)
            throws SQLException {
        long id = link.relationship().id();
        Savepoint before = c.setSavepoint();
        try {
            invitations.acceptInto(c, id, ownName, invitation);
            store.markUpgraded(c, id, clock.instant());
            faces.upgraded(c, link.relationship().owner(), id, link.relationship().peerName(), clock.instant());
            c.releaseSavepoint(before);
            LOG.info("legacy relationship {} upgraded to end-to-end encryption (invitation accepted)", id);
            return true;
        } catch (InvitationException | IllegalArgumentException | IllegalStateException e) {
            c.rollback(before); // a forged, expired, replayed or foreign invitation changes nothing
            LOG.info("legacy relationship {}: the offered invitation was not accepted ({})", id, e.getMessage());
            return false;
        } catch (SQLException | RuntimeException e) {
            c.rollback(before);
            throw e;
        } catch (Exception e) { // DeliveryException of the notice: the mailbox refused it
            c.rollback(before);
            throw new IllegalStateException("upgrading relationship " + id + ": " + e.getMessage(), e);
        }
    }
}
