package dev.liaison.gateway.relationship;

import dev.liaison.gateway.address.DeliveryRoute;
import dev.liaison.gateway.address.SignedAddress;
import dev.liaison.gateway.envelope.Envelope;
import dev.liaison.gateway.envelope.EnvelopeCodec;
import dev.liaison.gateway.envelope.EnvelopeSealer;
import dev.liaison.gateway.invitation.Acceptance;
import dev.liaison.gateway.invitation.AcceptorProfile;
import dev.liaison.gateway.invitation.Invitation;
import dev.liaison.gateway.invitation.InvitationAcceptor;
import dev.liaison.gateway.invitation.OwnInvitationException;
import dev.liaison.gateway.invitation.InvitationAlreadyUsedException;
import dev.liaison.gateway.invitation.InvitationCodec;
import dev.liaison.gateway.invitation.InvitationException;
import dev.liaison.gateway.invitation.InvitationIssuer;
import dev.liaison.gateway.invitation.InvitationQrCode;
import dev.liaison.gateway.invitation.PendingInvitation;
import dev.liaison.gateway.transport.EnvelopeBytes;
import dev.liaison.gateway.transport.EnvelopeId;
import dev.liaison.gateway.transport.send.OutboundEnvelope;
import dev.liaison.gateway.transport.send.OutboundQueue;
import dev.liaison.imap.delivery.DeliveryException;
import dev.liaison.mapping.alias.Alias;
import dev.liaison.mapping.relationship.Relationship;
import dev.liaison.mapping.relationship.RelationshipState;
import dev.liaison.mapping.user.Login;

import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Starting relationships by direct exchange (docs/protocol.md §5): a user issues an invitation (a
 * pending relationship waits for its key agreement); another user accepts one (the relationship is
 * established at once on the acceptor's side, and the key agreement is queued for the inviter).
 * Each method works in the caller's transaction.
 */
public final class Invitations {

    public static final Duration DEFAULT_LIFETIME = Duration.ofDays(7);
    /** Placeholder peer name until the acceptor names itself. */
    static final String INVITED = "invited";
    private static final int QR_SIDE_PIXELS = 400;

    private final Particles particles;
    private final OwnRoutes routes;
    private final InvitationIssuer issuer;
    private final InvitationAcceptor acceptor;
    private final EnvelopeSealer sealer;
    private final OutboundQueue queue;
    private final RelationshipAliases faces;
    private final Clock clock;

    public Invitations(Particles particles, OwnRoutes routes, InvitationIssuer issuer, InvitationAcceptor acceptor,
                       EnvelopeSealer sealer, OutboundQueue queue, RelationshipAliases faces, Clock clock) {
        this.particles = particles;
        this.routes = routes;
        this.issuer = issuer;
        this.acceptor = acceptor;
        this.sealer = sealer;
        this.queue = queue;
        this.faces = faces;
        this.clock = clock;
    }

    /** An issued invitation in its three transport forms. */
    public record Issued(long relationshipId, String token, String uri, byte[] qrPng, Instant expires) {
    }

    /** An accepted invitation: the new relationship and the alias to write to the inviter. */
    public record Accepted(long relationshipId, Alias alias, String peerName) {
    }

    /** Issues an invitation of {@code owner}, who appears to the acceptor as {@code ownName}. */
    public Issued create(Connection c, Login owner, String ownName, Duration lifetime) throws SQLException {
        Particles.OwnEnd own = particles.newEnd();
        Particle first = pending(own, RelationshipAliases.ownName(ownName), "", List.of(), lifetime);
        Particles.Held held = particles.create(c, owner, INVITED, own, first, OwnRoutes.refreshAt(first.published()));
        Invitation invitation = first.invitation().invitation();
        issued(c, invitation, held.row().id());
        return new Issued(held.row().id(), InvitationCodec.token(invitation), InvitationCodec.uri(invitation),
                InvitationQrCode.png(invitation, QR_SIDE_PIXELS), invitation.expiry());
    }

    /**
     * Accepts the invitation in {@code token} (or a {@code communicator:} URI) for {@code owner}.
     * {@link InvitationException} if it is malformed, forged, expired or was accepted here before;
     * nothing is stored then.
     */
    public Accepted accept(Connection c, Login owner, String ownName, String token)
            throws InvitationException, SQLException, DeliveryException {
        Accepting accepting = accepting(c, owner, ownName, token);
        // an inviter without a name is shown by its alias alone (the row needs some name: "peer")
        String peer = RelationshipAliases.shownName(accepting.invitation().displayName());
        Particle first = established(accepting, peer);
        Particles.Held held = particles.create(c, owner, RelationshipAliases.cleanName(peer), accepting.own(), first,
                OwnRoutes.refreshAt(first.published()));
        long id = held.row().id();
        particles.store().changeState(c, id, RelationshipState.ACTIVE);
        Alias alias = faces.open(c, owner, id, peer, accepting.now());
        queueKeyAgreement(c, accepting);
        return new Accepted(id, alias, peer);
    }

    /**
     * The invitation a legacy relationship offers its correspondent in every plain email until it
     * is upgraded (docs/legacy.md): created on first use on that relationship's own row, so its
     * acceptance upgrades this relationship and keeps its aliases. Empty once established.
     */
    public Optional<String> offerFor(Connection c, long relationshipId, String ownName) throws SQLException {
        Relationship row = particles.store().lock(c, relationshipId);
        if (row.protocolState().length() != 0) {
            Particles.Held held = particles.lock(c, relationshipId);
            Particle particle = held.particle();
            if (particle.established()) {
                return Optional.empty();
            }
            if (particle.invitation().invitation().expiry().isAfter(clock.instant())) {
                return Optional.of(InvitationCodec.token(particle.invitation().invitation()));
            }
            return Optional.of(InvitationCodec.token(renewed(c, held).invitation()));
        }
        Particles.OwnEnd own = particles.newEnd();
        Particle first = pending(own, RelationshipAliases.ownName(ownName), "", List.of(), DEFAULT_LIFETIME);
        particles.attach(c, relationshipId, own, first, OwnRoutes.refreshAt(first.published()));
        issued(c, first.invitation().invitation(), relationshipId);
        return Optional.of(InvitationCodec.token(first.invitation().invitation()));
    }

    /**
     * The offered invitation expired before the correspondent's gateway took it up (they did not
     * answer for a week): a fresh one from the same relationship end replaces it, so the next plain
     * email offers the upgrade again. The old one stays useless: it is expired, and its prekeys are gone.
     */
    private PendingInvitation renewed(Connection c, Particles.Held held) throws SQLException {
        Particle old = held.particle();
        Particle renewed = pending(new Particles.OwnEnd(old.root(), old.addressKey()), old.ownName(), old.peerName(),
                old.peerRoutes(), DEFAULT_LIFETIME);
        particles.save(c, held, renewed);
        issued(c, renewed.invitation().invitation(), held.row().id());
        return renewed.invitation();
    }

    /** A relationship end's state while its invitation, issued now from {@code own}, waits for the key agreement. */
    private Particle pending(Particles.OwnEnd own, String name, String peerName, List<DeliveryRoute> peerRoutes,
                             Duration lifetime) {
        Instant now = clock.instant();
        DeliveryRoute route = routes.route(own.root(), own.addressKey(), now);
        PendingInvitation invitation = issuer.issue(name, List.of(route), now, lifetime);
        return new Particle(invitation, null, own.root(), own.addressKey(), name, peerName, peerRoutes,
                routes.expiry(now), routes.generation());
    }

    /**
     * Accepts {@code token} into the existing legacy relationship {@code relationshipId} of
     * {@code owner} (no protocol state yet): the relationship is established at once, keeps its
     * aliases and name, and the key agreement is queued for the inviter. {@link InvitationException}
     * if the token is malformed, forged, expired or was accepted here before; nothing is stored then.
     */
    public void acceptInto(Connection c, long relationshipId, String ownName, String token)
            throws InvitationException, SQLException {
        Relationship row = particles.store().lock(c, relationshipId);
        Accepting accepting = accepting(c, row.owner(), ownName, token);
        Particle first = established(accepting, row.peerName());
        particles.attach(c, relationshipId, accepting.own(), first, OwnRoutes.refreshAt(first.published()));
        queueKeyAgreement(c, accepting);
    }

    /** An invitation accepted from a fresh relationship end, not stored yet. */
    private record Accepting(String name, Invitation invitation, Particles.OwnEnd own, Acceptance acceptance,
                             Instant now) {
    }

    /** The acceptor's first state: established, talking to the inviter's routes. */
    private Particle established(Accepting a, String peerName) {
        return new Particle(null, a.acceptance().state(), a.own().root(), a.own().addressKey(), a.name(), peerName,
                a.invitation().routes(), routes.expiry(a.now()), routes.generation());
    }

    /**
     * Decodes and accepts {@code token} (or a {@code communicator:} URI) from a fresh relationship
     * end and remembers it as used here; {@link InvitationException} before anything is stored.
     */
    private Accepting accepting(Connection c, Login owner, String ownName, String token)
            throws InvitationException, SQLException {
        String name = RelationshipAliases.ownName(ownName);
        String text = token.strip();
        Invitation invitation = text.startsWith(InvitationCodec.URI_PREFIX)
                ? InvitationCodec.fromUri(text) : InvitationCodec.fromToken(text);
        Instant now = clock.instant();
        Particles.OwnEnd own = particles.newEnd();
        DeliveryRoute route = routes.route(own.root(), own.addressKey(), now);
        Acceptance acceptance = acceptor.accept(invitation, new AcceptorProfile(name, List.of(route)), now);
        if (issuer(c, invitation).filter(owner::equals).isPresent()) { // before it is remembered as used
            throw new OwnInvitationException("this is " + owner + "'s own invitation: send it to the person to connect"
                    + " with, who accepts it");
        }
        remember(c, invitation);
        return new Accepting(name, invitation, own, acceptance, now);
    }

    /** The first envelope to the inviter: the key agreement, to one of the inviter's addresses. */
    private void queueKeyAgreement(Connection c, Accepting accepting) throws SQLException {
        Invitation invitation = accepting.invitation();
        Acceptance acceptance = accepting.acceptance();
        Instant now = accepting.now();
        DeliveryRoute target = invitation.routes().get(0);
        SignedAddress address = target.addresses().stream().filter(a -> !a.isExpiredAt(now)).findFirst()
                .orElseThrow(() -> new IllegalStateException("every address in the invitation has expired"));
        Envelope envelope = sealer.sealKeyAgreement(acceptance.keyAgreement(), invitation.signedPrekey(), address,
                target.serviceKey());
        queue.enqueue(c, new OutboundEnvelope(EnvelopeId.random(), URI.create(target.serviceUrl()),
                EnvelopeBytes.adopt(EnvelopeCodec.encode(envelope))));
    }

    /** Which relationship issued {@code invitation}, for {@link #issuer}, and when it expires, for {@link #forgetExpired}. */
    private static void issued(Connection c, Invitation invitation, long relationshipId) throws SQLException {
        try (var s = c.prepareStatement("INSERT INTO relay.issued_invitations (invitation_id, relationship_id,"
                + " expires_at) VALUES (?, ?, ?)")) {
            s.setBytes(1, invitation.id().toByteArray());
            s.setLong(2, relationshipId);
            s.setObject(3, java.time.OffsetDateTime.ofInstant(invitation.expiry(), java.time.ZoneOffset.UTC));
            s.executeUpdate();
        }
    }

    /**
     * How long a relationship whose invitation was never accepted is kept after the invitation
     * expired: listed {@code expired} meanwhile, so the user can tell it lapsed and issue another.
     * Nothing can make it active any more (a key agreement that arrives after the expiry is
     * refused), so its row, root address and invitation record then go.
     */
    public static final Duration EXPIRED_RETENTION = Duration.ofDays(30);

    /**
     * Relationships that only ever were an invitation of this gateway (no alias: neither this side
     * nor the acceptor's completed it here; no plain-email correspondent: not a legacy relationship,
     * whose offers are invitations too), whose invitation expired before {@code before}: at most
     * {@code max} of them, earliest expiry first, deleted with their root address and invitation
     * record. Pending, blocked and ended ones alike: none can become active any more.
     */
    public static int forgetExpired(Connection c, Instant before, int max) throws SQLException {
        try (var s = c.prepareStatement("WITH lapsed AS (SELECT r.id FROM relay.issued_invitations i"
                + " JOIN mapping.relationships r ON r.id = i.relationship_id"
                + " WHERE i.expires_at < ? AND r.state IN ('pending', 'blocked', 'ended')"
                + " AND NOT EXISTS (SELECT 1 FROM mapping.aliases a WHERE a.relationship_id = r.id)"
                + " AND NOT EXISTS (SELECT 1 FROM mapping.legacy_correspondents l WHERE l.relationship_id = r.id)"
                + " AND NOT EXISTS (SELECT 1 FROM relay.issued_invitations later"
                + "     WHERE later.relationship_id = r.id AND later.expires_at >= ?)"
                + " ORDER BY i.expires_at LIMIT ? FOR UPDATE OF r SKIP LOCKED),"
                + " endpoints AS (DELETE FROM relay.endpoints e USING lapsed WHERE e.relationship_id = lapsed.id)"
                + " DELETE FROM mapping.relationships r USING lapsed WHERE r.id = lapsed.id")) {
            var at = java.time.OffsetDateTime.ofInstant(before, java.time.ZoneOffset.UTC);
            s.setObject(1, at);
            s.setObject(2, at);
            s.setInt(3, max);
            return s.executeUpdate();
        }
    }

    /** The user of this gateway who issued {@code invitation}; empty for another gateway's (or an older one). */
    private static Optional<Login> issuer(Connection c, Invitation invitation) throws SQLException {
        try (var s = c.prepareStatement("SELECT u.login FROM relay.issued_invitations i"
                + " JOIN mapping.relationships r ON r.id = i.relationship_id JOIN mapping.users u ON u.id = r.user_id"
                + " WHERE i.invitation_id = ?")) {
            s.setBytes(1, invitation.id().toByteArray());
            try (var rs = s.executeQuery()) {
                return rs.next() ? Optional.of(Login.of(rs.getString(1))) : Optional.empty();
            }
        }
    }

    private static void remember(Connection c, Invitation invitation) throws SQLException, InvitationException {
        try (var s = c.prepareStatement("INSERT INTO relay.accepted_invitations (invitation_id) VALUES (?)"
                + " ON CONFLICT DO NOTHING")) {
            s.setBytes(1, invitation.id().toByteArray());
            if (s.executeUpdate() == 0) {
                throw new InvitationAlreadyUsedException("this invitation was already accepted on this gateway;"
                        + " ask for a new one");
            }
        }
    }
}
