package dev.liaison.gateway.relationship;

import dev.liaison.gateway.envelope.Envelope;
import dev.liaison.gateway.envelope.EnvelopeCodec;
import dev.liaison.gateway.envelope.EnvelopeException;
import dev.liaison.gateway.envelope.EnvelopeSealer;
import dev.liaison.gateway.envelope.OpenedEnvelope;
import dev.liaison.gateway.invitation.Completion;
import dev.liaison.gateway.invitation.InvitationException;
import dev.liaison.gateway.invitation.InvitationIssuer;
import dev.liaison.gateway.mail.IncomingMail;
import dev.liaison.gateway.mail.MalformedMailException;
import dev.liaison.gateway.payload.PayloadException;
import dev.liaison.gateway.payload.PayloadItem;
import dev.liaison.gateway.ratchet.DuplicateMessageException;
import dev.liaison.gateway.ratchet.RatchetException;
import dev.liaison.gateway.transport.receive.EnvelopeAcceptor;
import dev.liaison.gateway.transport.receive.InboundEnvelope;
import dev.liaison.gateway.transport.receive.InboundProcessor;
import dev.liaison.imap.delivery.Delivery;
import dev.liaison.imap.delivery.MailboxDelivery;
import dev.liaison.mapping.correspondent.LegacyCorrespondentStore;
import dev.liaison.mapping.relationship.RelationshipState;
import dev.liaison.mapping.relationship.UnknownRelationshipException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a stored envelope into mail in the recipient's INBOX (docs/protocol.md §5.3, §8.3): a key
 * agreement completes the pending invitation; anything else is opened with the relationship's
 * ratchet, its Particle updates applied and its mail delivered from the relationship's alias — in
 * the transaction that advances the ratchet. What does not open or verify is quarantined with the
 * state unchanged, so the relationship keeps working; a replay is dropped.
 */
public final class RelationshipReceiver implements InboundProcessor {

    private final LegacyCorrespondentStore correspondents = new LegacyCorrespondentStore();

    private static final Logger LOG = LoggerFactory.getLogger(RelationshipReceiver.class);

    private final Particles particles;
    private final EnvelopeSealer sealer;
    private final InvitationIssuer issuer;
    private final RelationshipSender sender;
    private final RelationshipAliases faces;
    private final MailboxDelivery mailboxes;
    private final Clock clock;

    public RelationshipReceiver(Particles particles, EnvelopeSealer sealer, InvitationIssuer issuer,
                                RelationshipSender sender, RelationshipAliases faces, MailboxDelivery mailboxes,
                                Clock clock) {
        this.particles = particles;
        this.sealer = sealer;
        this.issuer = issuer;
        this.sender = sender;
        this.faces = faces;
        this.mailboxes = mailboxes;
        this.clock = clock;
    }

    @Override
    public Outcome process(Connection c, InboundEnvelope inbound) throws Exception {
        if (!(inbound.resolution() instanceof EnvelopeAcceptor.Resolved resolved)) {
            return new Unresolvable(); // the acceptor resolves every envelope it keeps
        }
        Envelope envelope;
        try {
            envelope = EnvelopeCodec.decode(inbound.envelope().sharedArray());
        } catch (EnvelopeException e) {
            return new Quarantine("undecodable envelope: " + e.getMessage());
        }
        Particles.Held held;
        try {
            held = particles.lock(c, resolved.recipient());
        } catch (UnknownRelationshipException e) {
            return new Unresolvable();
        }
        RelationshipState state = held.row().state();
        if (state == RelationshipState.ENDED) {
            if (envelope.carriesKeyAgreement() && !held.particle().established()) {
                return withdrawn(c, held, envelope);
            }
            LOG.debug("envelope {} for ended relationship {} dropped", inbound.id(), held.row().id());
            return Done.discarded("relationship ended");
        }
        if (envelope.carriesKeyAgreement()) {
            return held.particle().established() ? replayedKeyAgreement(inbound, held) : complete(c, held, envelope);
        }
        if (!held.particle().established()) {
            throw new RelationshipSender.NotEstablishedException("envelope " + inbound.id() + " for relationship "
                    + held.row().id() + " arrived before its key agreement; retrying later");
        }
        return open(c, held, envelope, inbound, state != RelationshipState.BLOCKED);
    }

    private Outcome replayedKeyAgreement(InboundEnvelope inbound, Particles.Held held) {
        LOG.info("key agreement {} for the established relationship {} dropped (a replay or a second acceptance)",
                inbound.id(), held.row().id());
        return Done.discarded("key agreement repeated");
    }

    /**
     * The peer accepted an invitation the user had ended (withdrawn) while it was out. Their gateway
     * has them connected already, so silence would leave them writing into nothing: the agreement
     * is completed only to tell them, in one envelope, that the relationship has ended — as ending an
     * established one does — and the addresses stop resolving. The relationship stays ended.
     */
    private Outcome withdrawn(Connection c, Particles.Held held, Envelope envelope) throws Exception {
        Instant now = clock.instant();
        Completion done;
        try {
            done = completion(held.particle(), envelope, now);
        } catch (InvitationException | EnvelopeException e) {
            return new Quarantine("key agreement refused: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        long id = held.row().id();
        sender.sendLast(c, id, established(held.particle(), done), List.of(new PayloadItem.RelationshipEnded()), now);
        particles.endpoints().remove(c, id);
        LOG.info("invitation of the ended relationship {} was accepted; the peer is told it has ended", id);
        return Done.applied("key agreement for an ended relationship, the end sent back");
    }

    private Completion completion(Particle pending, Envelope envelope, Instant now)
            throws InvitationException, EnvelopeException {
        return issuer.complete(pending.invitation(), EnvelopeSealer.openKeyAgreement(envelope,
                pending.invitation().signedPrekey()), now);
    }

    private static Particle established(Particle pending, Completion done) {
        String peer = RelationshipAliases.shownName(done.profile().displayName()); // empty: no name given
        return new Particle(null, done.state(), pending.root(), pending.addressKey(), pending.ownName(),
                peer, done.profile().routes(), pending.published(), pending.publishedGeneration());
    }

    private Outcome complete(Connection c, Particles.Held held, Envelope envelope) throws Exception {
        Particle pending = held.particle();
        Instant now = clock.instant();
        Completion done;
        try {
            done = completion(pending, envelope, now);
        } catch (InvitationException | EnvelopeException e) {
            return new Quarantine("key agreement refused: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        Particle established = established(pending, done);
        String peer = established.peerName();
        long id = held.row().id();
        particles.save(c, held, established);
        var correspondent = correspondents.ofRelationship(c, id);
        if (correspondent.isPresent()) {
            // a legacy relationship upgraded: same aliases, same state; one notice. A peer known only
            // by an address (the user wrote first) is named as the peer names itself now.
            String name = held.row().peerName();
            if (!peer.isEmpty() && name.equalsIgnoreCase(correspondent.get().address())) {
                particles.store().renamePeer(c, id, peer);
                name = peer;
            }
            correspondents.markUpgraded(c, id, now);
            faces.upgraded(c, held.row().owner(), id, name, now);
            LOG.info("legacy relationship {} upgraded to end-to-end encryption", id);
            return Done.filed("key agreement, upgraded");
        }
        particles.store().renamePeer(c, id, RelationshipAliases.cleanName(peer));
        if (held.row().state() == RelationshipState.BLOCKED) {
            // blocked while the invitation was out: it stays blocked, silently (the peer's mail is
            // dropped), with its alias ready for an unblock
            faces.openQuietly(c, held.row().owner(), id, peer);
            LOG.info("relationship {} established while blocked; it stays blocked", id);
            return Done.applied("key agreement, relationship blocked");
        }
        particles.store().changeState(c, id, RelationshipState.ACTIVE);
        faces.open(c, held.row().owner(), id, peer, now);
        LOG.info("relationship {} established", id);
        return Done.filed("key agreement");
    }

    /**
     * Opens a message of an established relationship. For a blocked one ({@code deliver} false) the
     * ratchet still advances and address updates still apply — so the session stays in step for
     * when it is unblocked — but its mail is dropped silently.
     */
    private Outcome open(Connection c, Particles.Held held, Envelope envelope, InboundEnvelope inbound, boolean deliver)
            throws Exception {
        OpenedEnvelope opened;
        try {
            opened = sealer.open(held.particle().ratchet(), envelope);
        } catch (DuplicateMessageException e) {
            LOG.info("envelope {} repeats a message relationship {} already received; dropped", inbound.id(),
                    held.row().id());
            return Done.discarded("message already received");
        } catch (RatchetException | EnvelopeException | PayloadException e) {
            return new Quarantine("does not open: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        Particle next = held.particle().withRatchet(opened.state());
        List<byte[]> mail = new ArrayList<>();
        boolean ended = false;
        for (PayloadItem item : opened.payload().items()) {
            if (item instanceof PayloadItem.Email email) {
                if (deliver) {
                    mail.add(email.message().toByteArray());
                }
            } else if (item instanceof PayloadItem.Routes routes) {
                next = next.withPeer(next.peerName(), routes.routes());
            } else if (item instanceof PayloadItem.DisplayName name) {
                next = next.withPeer(RelationshipAliases.shownName(name.name()), next.peerRoutes());
            } else if (item instanceof PayloadItem.RelationshipEnded) {
                ended = true;
            } // acknowledgements: nothing kept to acknowledge yet
        }
        long id = held.row().id();
        String owner = held.row().owner().value();
        List<byte[]> deliverable = new ArrayList<>(mail.size());
        try {
            String alias = faces.addressOf(c, id).toString();
            for (byte[] message : mail) {
                deliverable.add(IncomingMail.deliverable(message, next.peerName(), alias,
                        faces.ownAddress(held.row().owner())));
            }
        } catch (MalformedMailException e) {
            return new Quarantine("opened, but the mail inside is malformed: " + e.getMessage());
        }
        Instant now = clock.instant();
        String payloadId = opened.payload().id().hex();
        for (int i = 0; i < deliverable.size(); i++) {
            mailboxes.deliver(c, new Delivery("relay:" + payloadId + ":" + i, owner, "INBOX", deliverable.get(i),
                    false, now));
        }
        particles.save(c, held, next);
        // a peer without a name keeps the row's (the stand-in "peer", or a plain-email address)
        if (!next.peerName().isEmpty() && !next.peerName().equals(held.row().peerName())) {
            particles.store().renamePeer(c, id, next.peerName());
        }
        if (ended) {
            particles.store().changeState(c, id, RelationshipState.ENDED);
            particles.endpoints().remove(c, id);
            if (deliver) { // a blocked peer's mail is dropped, its last words too; the name is the one the user knew
                faces.ended(c, held.row().owner(), id, held.row().peerName(), now);
            }
            LOG.info("relationship {} ended by the peer", id);
        }
        return disposition(deliver, mail.size(), ended);
    }

    /** What the receiver's log line says of an opened envelope: fixed words, nothing of its content. */
    private static Done disposition(boolean deliver, int messages, boolean ended) {
        if (!deliver) {
            return Done.discarded("relationship blocked");
        }
        String reason = ended ? "relationship ended by the peer" : "";
        return messages > 0 || ended ? Done.filed(reason) : Done.applied("no mail in it"); // the end files a notice
    }
}
