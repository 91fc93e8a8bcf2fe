package dev.liaison.gateway.relationship;

import dev.liaison.gateway.mail.OutgoingMail;
import dev.liaison.gateway.payload.PayloadItem;
import dev.liaison.gateway.transport.EnvelopeId;
import dev.liaison.gateway.wire.Bytes;
import dev.liaison.mapping.alias.Alias;
import dev.liaison.mapping.alias.AliasTarget;
import dev.liaison.mapping.user.Login;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * Relays a submitted message through the relationship behind one of the sender's aliases: sealed,
 * queued and remembered (for a failure notice and to recognise a client's retry) in the caller's
 * transaction.
 */
public final class RelationshipMail {

    /**
     * The largest message a relationship carries: the protocol's 16 MiB ciphertext bucket, less the
     * padding, payload framing and room for a Particle update riding along.
     */
    public static final int MAX_MESSAGE_BYTES = dev.liaison.gateway.Limits.MAX_CIPHERTEXT_BYTES - 16 * 1024;

    private final Particles particles;
    private final RelationshipSender sender;
    private final SentMessages sent;

    public RelationshipMail(Particles particles, RelationshipSender sender, SentMessages sent) {
        this.particles = particles;
        this.sender = sender;
        this.sent = sent;
    }

    /**
     * Relays {@code prepared} to the peer behind {@code alias}. Returns false for a retry of a
     * submission already relayed ({@code submissionKey} seen), sending nothing.
     * {@link RelationshipSender.NotEstablishedException} if the relationship cannot carry mail.
     */
    public boolean relay(Connection c, Login owner, Alias alias, OutgoingMail.Prepared prepared, String submissionKey,
                         Instant now) throws SQLException {
        if (!(alias.target() instanceof AliasTarget.Relationship target) || !alias.owner().equals(owner)) {
            throw new IllegalArgumentException("alias " + alias.address() + " is not a relationship alias of " + owner);
        }
        Particles.Held held = particles.lock(c, target.id());
        if (!held.row().active()) {
            throw new RelationshipSender.NotEstablishedException("relationship " + target.id() + " is "
                    + held.row().state().dbValue());
        }
        // recorded first, in one statement that also recognises a retry; should sealing fail, the
        // caller's transaction takes the record back with everything else
        EnvelopeId envelope = EnvelopeId.random();
        if (!sent.record(c, submissionKey, envelope, owner.value(), alias.address().toString(), prepared.sentCopy())) {
            return false;
        }
        sender.send(c, held, List.of(new PayloadItem.Email(Bytes.of(prepared.sealed()))), now, envelope);
        return true;
    }
}
