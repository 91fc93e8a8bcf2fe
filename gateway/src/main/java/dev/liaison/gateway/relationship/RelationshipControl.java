package dev.liaison.gateway.relationship;

import dev.liaison.gateway.payload.PayloadItem;
import dev.liaison.imap.delivery.DeliveryException;
import dev.liaison.mapping.alias.Alias;
import dev.liaison.mapping.alias.AliasStore;
import dev.liaison.mapping.alias.PostgresAliasStore;
import dev.liaison.mapping.correspondent.LegacyCorrespondent;
import dev.liaison.mapping.correspondent.LegacyCorrespondentStore;
import dev.liaison.mapping.relationship.InvalidRelationshipException;
import dev.liaison.mapping.relationship.Relationship;
import dev.liaison.mapping.relationship.RelationshipState;
import dev.liaison.mapping.relationship.UnknownRelationshipException;
import dev.liaison.mapping.user.Login;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a user (through the administrator) does with a relationship: list, block (incoming mail is
 * dropped silently, outgoing refused), unblock, end (the peer is told; both aliases stop working
 * and the addresses stop resolving). Each method works in the caller's transaction and only on
 * relationships of {@code owner}: another user's relationship is reported unknown.
 */
public final class RelationshipControl {

    private final Particles particles;
    private final RelationshipSender sender;
    private final RelationshipAliases faces;
    private final AliasStore aliases = new PostgresAliasStore();
    private final LegacyCorrespondentStore correspondents = new LegacyCorrespondentStore();
    private final Clock clock;

    public RelationshipControl(Particles particles, RelationshipSender sender, RelationshipAliases faces, Clock clock) {
        this.particles = particles;
        this.sender = sender;
        this.faces = faces;
        this.clock = clock;
    }

    /**
     * A relationship as the user sees it; {@code invitationExpired}: it is pending, and its
     * invitation can no longer be accepted.
     */
    public record Listed(long id, String peerName, RelationshipState state, Optional<String> alias,
                         boolean invitationExpired) {

        /**
         * The state to show: as stored, but {@code expired} for a pending invitation past its
         * expiry (the row stays pending: nothing changes it when the time passes; a key agreement
         * arriving now is refused, and {@link Invitations#forgetExpired} deletes it a while later).
         */
        public String shownState() {
            return state == RelationshipState.PENDING && invitationExpired ? "expired" : state.dbValue();
        }
    }

    public List<Listed> list(Connection c, Login owner) {
        Instant now = clock.instant();
        return particles.store().listOf(c, owner).stream()
                .map(r -> new Listed(r.id(), r.peerName(), r.state(),
                        aliases.findByRelationship(c, r.id()).map(a -> a.address().toString()),
                        r.state() == RelationshipState.PENDING && invitationExpired(r, now)))
                .toList();
    }

    private boolean invitationExpired(Relationship pending, Instant now) {
        if (pending.protocolState().length() == 0) {
            return false;
        }
        Particle particle = particles.read(pending);
        return !particle.established() && particle.invitation().invitation().isExpiredAt(now);
    }

    public Relationship block(Connection c, Login owner, long id) {
        owned(c, owner, id);
        return particles.store().changeState(c, id, RelationshipState.BLOCKED);
    }

    /**
     * Undoes a block: the relationship is again what it was when blocked — a stranger's request a
     * request (their mail to Requests, not INBOX), an invitation still out pending — or active if
     * its invitation was accepted during the block, or if it was blocked before that was recorded.
     * An invitation accepted during the block was connected silently (a block says nothing); now the
     * user gets the "Connected with …" notice it would have filed, from the relationship's alias.
     * Likewise a plain-email correspondent upgraded during the block was upgraded silently: now the
     * user gets the "Now end-to-end encrypted" notice, without which their plain email going to Junk
     * as possibly forged would be unexplained. One upgraded before the block had its notice then; its
     * delivery id ({@code upgraded:<id>}) keeps it to one.
     */
    public Relationship unblock(Connection c, Login owner, long id) throws SQLException, DeliveryException {
        Relationship r = owned(c, owner, id);
        if (r.state() != RelationshipState.BLOCKED) {
            throw new InvalidRelationshipException("relationship " + id + " is " + r.state().dbValue()
                    + ", not blocked; nothing to unblock");
        }
        RelationshipState back = particles.store().stateBeforeBlock(c, id).orElse(RelationshipState.ACTIVE);
        boolean connectedMeanwhile = back == RelationshipState.PENDING && particles.lock(c, id).particle().established();
        if (connectedMeanwhile) {
            back = RelationshipState.ACTIVE;
        }
        Relationship unblocked = particles.store().changeState(c, id, back);
        if (connectedMeanwhile) {
            faces.announce(c, owner, id, unblocked.peerName(), clock.instant());
        }
        if (correspondents.ofRelationship(c, id).filter(LegacyCorrespondent::upgraded).isPresent()) {
            faces.upgraded(c, owner, id, unblocked.peerName(), clock.instant());
        }
        return unblocked;
    }

    /**
     * Ends the relationship; if it was established, the peer is told in a last envelope. An
     * invitation still out keeps its addresses until it expires: whoever accepts it meanwhile is
     * told the same way ({@link RelationshipReceiver}), not left writing into nothing.
     */
    public Relationship end(Connection c, Login owner, long id) throws SQLException {
        Relationship r = owned(c, owner, id);
        if (r.protocolState().length() > 0) {
            tellPeerOfEnd(c, id);
        }
        return particles.store().changeState(c, id, RelationshipState.ENDED);
    }

    /** How many peers {@link #endAll} told, and how many could not be told. */
    public record Ended(int relationships, int told, int untold) {
    }

    /**
     * Ends every relationship of {@code owner} not ended yet, as {@link #end} does (their user is
     * being removed). A peer whose addresses have all expired cannot be told; it is passed over, not
     * a reason to keep the user: its mail stops resolving all the same.
     */
    public Ended endAll(Connection c, Login owner) throws SQLException {
        int ended = 0;
        int told = 0;
        int untold = 0;
        for (Relationship r : particles.store().listOf(c, owner)) {
            if (r.state() == RelationshipState.ENDED) {
                continue;
            }
            ended++;
            if (r.protocolState().length() > 0) {
                try {
                    told += tellPeerOfEnd(c, r.id()) ? 1 : 0;
                } catch (RelationshipSender.NotEstablishedException e) {
                    untold++;
                    particles.endpoints().remove(c, r.id());
                }
            }
            particles.store().changeState(c, r.id(), RelationshipState.ENDED);
        }
        return new Ended(ended, told, untold);
    }

    /**
     * Keeps every invitation of {@code owner} still out (pending, or ended while out) answerable
     * after the user is removed: its address and pending state move to the retired invitations
     * until it expires ({@link Particles#retire}), so whoever accepts it later is told the
     * relationship has ended ({@link RelationshipReceiver}), as the acceptor of an ended invitation
     * is. Call after {@link #endAll}, before the user's addresses are deleted. Returns how many.
     */
    public int retireInvitations(Connection c, Login owner) throws SQLException {
        Instant now = clock.instant();
        int retired = 0;
        for (Relationship r : particles.store().listOf(c, owner)) {
            if (r.protocolState().length() == 0) {
                continue; // a correspondent on plain email: no invitation of the user's is out
            }
            Particles.Held held = particles.lock(c, r.id());
            if (!held.particle().established() && held.particle().invitation().invitation().expiry().isAfter(now)
                    && particles.retire(c, held)) {
                retired++;
            }
        }
        return retired;
    }

    /**
     * Seals the last envelope to an established peer and stops this end's addresses resolving;
     * false if there was no peer to tell yet (a legacy relationship still on plain email has no
     * protocol state and never comes here).
     */
    private boolean tellPeerOfEnd(Connection c, long id) throws SQLException {
        Particles.Held held = particles.lock(c, id);
        if (!held.particle().established()) {
            return false; // an invitation still out keeps its addresses until it expires: an acceptor is told then
        }
        boolean tell = !held.particle().peerRoutes().isEmpty();
        if (tell) {
            sender.send(c, held, List.of(new PayloadItem.RelationshipEnded()), clock.instant());
        }
        particles.endpoints().remove(c, id);
        return tell;
    }

    /** The relationship {@code id} if {@code owner} holds it; else unknown, whoever holds it. */
    private Relationship owned(Connection c, Login owner, long id) {
        return particles.store().find(c, id).filter(r -> r.owner().equals(owner))
                .orElseThrow(() -> new UnknownRelationshipException(id, owner));
    }

    /** The relationship an alias of {@code owner} writes to. */
    public Optional<Long> relationshipOf(Connection c, Alias alias) {
        return alias.target() instanceof dev.liaison.mapping.alias.AliasTarget.Relationship r
                ? Optional.of(r.id()) : Optional.empty();
    }
}
