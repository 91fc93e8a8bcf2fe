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
import dev.liaison.gateway.ratchet.UndecryptableHeaderException;
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
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns a stored envelope into mail in the recipient's INBOX (docs/protocol.md §5.3, §8.3): a key
 * agreement completes the pending invitation; anything else is opened with the relationship's
 * ratchet, its Particle updates applied and its mail delivered from the relationship's alias — in
 * the transaction that advances the ratchet. What does not open or verify is quarantined with the
 * state unchanged, so the relationship keeps working; a replay is dropped.
 */
public final class RelationshipReceiver implements InboundProcessor {

    private final LegacyCorrespondentStore correspondents = new LegacyCorrespondentStore();
    private final ReceivedHeaders headers = new ReceivedHeaders();

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
            return retired(c, resolved.recipient(), envelope);
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

    /**
     * The acceptance of an invitation whose user was removed while it was out (relay V6): as for an
     * ended one ({@link #withdrawn}), the agreement is completed only to tell the acceptor, in one
     * envelope, that the relationship has ended; then the address stops resolving. Anything else
     * for such an address resolves to nobody.
     */
    private Outcome retired(Connection c, long id, Envelope envelope) throws Exception {
        Optional<Particle> pending = envelope.carriesKeyAgreement() ? particles.lockRetired(c, id) : Optional.empty();
        if (pending.isEmpty()) {
            return new Unresolvable();
        }
        Instant now = clock.instant();
        Completion done;
        try {
            done = completion(pending.get(), envelope, now);
        } catch (InvitationException | EnvelopeException e) {
            return new Quarantine("key agreement refused: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        sender.sendLast(c, id, established(pending.get(), done), List.of(new PayloadItem.RelationshipEnded()), now);
        particles.endpoints().forgetRetired(c, id);
        LOG.info("invitation {} of a removed user was accepted; the peer is told the relationship has ended", id);
        return Done.applied("key agreement for a removed user's invitation, the end sent back");
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
            if (held.row().state() == RelationshipState.BLOCKED) {
                // the user blocked this correspondent: a block is silent, so no notice; it stays blocked,
                // and the same alias writes over the Communicator transport once unblocked
                LOG.info("legacy relationship {} upgraded while blocked; it stays blocked", id);
                return Done.applied("key agreement, upgraded, relationship blocked");
            }
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
        byte[] header = ReceivedHeaders.digest(inbound.envelope().sharedArray(), envelope.ciphertext().length());
        try {
            opened = sealer.open(held.particle().ratchet(), envelope);
        } catch (DuplicateMessageException e) {
            return usedPosition(c, held, inbound, header, e);
        } catch (UndecryptableHeaderException e) {
            return new Quarantine(undecryptable(held, e));
        } catch (RatchetException | EnvelopeException | PayloadException e) {
            return new Quarantine("does not open: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        headers.received(c, held.row().id(), header);
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

    /**
     * A message at a chain position already used. Its header opened under a header key of this
     * session, so it is authentic (ReceivedHeaders): a copy of the message received there is dropped
     * as before; any other comes from the peer's gateway sealing again from an older state (a restored
     * backup), or arrived so late that its skipped key was evicted (more than the skipped-key window out
     * of order: a sender that shuffled its backlog), and cannot be opened (the position's key is used and
     * erased). That one is quarantined, so the administrator learns that mail of the peer's was lost here
     * and what to do; the text names both causes, since the second is not a restore.
     */
    private Outcome usedPosition(Connection c, Particles.Held held, InboundEnvelope inbound, byte[] header,
                                 DuplicateMessageException e) throws SQLException {
        LOG.debug("envelope {}: {}", inbound.id(), e.getMessage());
        long id = held.row().id();
        if (headers.seen(c, id, header)) {
            LOG.info("envelope {} repeats a message relationship {} already received; dropped", inbound.id(), id);
            return Done.discarded("message already received");
        }
        String owner = held.row().owner().value();
        // under InboundStore's 500 characters with the longest login and id: the command must not be cut
        return new Quarantine("reused chain position: relationship " + id + " got a message at a position already"
                + " used. The peer's gateway may have been restored from an older backup, or delivered out of order"
                + " beyond the skipped-key window; it cannot be opened, its content is lost. Ask the peer to resend"
                + " what they sent since, then drop it. If this relationship's mail stops opening:"
                + " liaison relationship end --user " + owner + " " + id + ", then invite again");
    }

    /**
     * A header no key of the session opens, for an identified relationship: a third party's bytes under
     * a copied address, or either end's state rolled back by a restored backup, after which neither end
     * can open the other's messages again (docs/operations.md, "Restoring an older backup").
     */
    private static String undecryptable(Particles.Held held, UndecryptableHeaderException e) {
        long id = held.row().id();
        String owner = held.row().owner().value();
        return "does not open: " + e.getClass().getSimpleName() + ": " + e.getMessage() + ". Relationship " + id
                + ": its state here or at the peer may have been rolled back by restoring an older backup. If its mail"
                + " keeps arriving so: liaison relationship end --user " + owner + " " + id + ", then invite again";
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
