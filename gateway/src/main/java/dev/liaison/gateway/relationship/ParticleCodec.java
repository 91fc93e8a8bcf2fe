package dev.liaison.gateway.relationship;

import dev.liaison.gateway.address.DeliveryRoute;
import dev.liaison.gateway.address.RootAddress;
import dev.liaison.gateway.invitation.InvitationException;
import dev.liaison.gateway.invitation.PendingInvitation;
import dev.liaison.gateway.keys.KeyEncryptionKey;
import dev.liaison.gateway.keys.SealException;
import dev.liaison.gateway.primitive.SigningKeyPair;
import dev.liaison.gateway.ratchet.MalformedRatchetStateException;
import dev.liaison.gateway.ratchet.RatchetState;
import dev.liaison.gateway.wire.WireFormatException;
import dev.liaison.gateway.wire.WireReader;
import dev.liaison.gateway.wire.WireWriter;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Serialises a {@link Particle} and seals it under the key-encryption key, bound to its
 * relationship id (a sealed state copied onto another relationship's row does not open).
 *
 * <pre>
 * u8 version (=1) || u8 phase (1 invited, 2 established) || u32 length || pending invitation or ratchet state
 * 16 root || 32 address-signing seed || 32 address-signing public
 * str8 own name || str8 peer name || routes (count may be 0) || u64 published expiry || u32 published generation
 * </pre>
 */
public final class ParticleCodec {

    private static final int VERSION = 1;
    private static final int INVITED = 1;
    private static final int ESTABLISHED = 2;
    private static final int MAX_INNER = 1 << 20;

    private final KeyEncryptionKey kek;

    public ParticleCodec(KeyEncryptionKey kek) {
        this.kek = kek;
    }

    public byte[] seal(long relationshipId, Particle particle) {
        return kek.seal(encode(particle), aad(relationshipId));
    }

    public Particle open(long relationshipId, byte[] sealed) {
        try {
            return decode(kek.open(sealed, aad(relationshipId)));
        } catch (SealException e) {
            throw new IllegalStateException("the state of relationship " + relationshipId + " does not open with this"
                    + " data directory's key-encryption key (keys/kek): restore the key file of this database", e);
        }
    }

    static byte[] encode(Particle p) {
        byte[] inner = p.established() ? p.ratchet().encode() : p.invitation().encode();
        WireWriter w = new WireWriter(inner.length + 1024);
        w.u8(VERSION).u8(p.established() ? ESTABLISHED : INVITED).longField(inner);
        w.bytes(p.root().value()).bytes(p.addressKey().privateKey()).bytes(p.addressKey().publicKey());
        w.utf8(p.ownName()).utf8(p.peerName());
        DeliveryRoute.writeList(w, p.peerRoutes());
        w.u64(p.published().getEpochSecond()).u32(p.publishedGeneration());
        return w.toByteArray();
    }

    static Particle decode(byte[] encoded) {
        try {
            WireReader r = new WireReader(encoded);
            if (r.u8() != VERSION) {
                throw new IllegalStateException("relationship state of an unknown version: upgrade Liaison");
            }
            int phase = r.u8();
            byte[] inner = r.longField(MAX_INNER, "inner state");
            PendingInvitation invitation = phase == INVITED ? PendingInvitation.decode(inner) : null;
            RatchetState ratchet = phase == ESTABLISHED ? RatchetState.decode(inner) : null;
            RootAddress root = new RootAddress(r.fixed(16, "root address"));
            SigningKeyPair key = new SigningKeyPair(r.fixed(32, "signing seed"), r.fixed(32, "signing public key"));
            String ownName = r.utf8(255, "own name");
            String peerName = r.utf8(255, "peer name");
            var routes = DeliveryRoute.readList(r, 0);
            Instant published = Instant.ofEpochSecond(r.u64());
            int generation = r.u32(Integer.MAX_VALUE, "published generation");
            r.expectEnd("relationship state");
            return new Particle(invitation, ratchet, root, key, ownName, peerName, routes, published, generation);
        } catch (WireFormatException | InvitationException | MalformedRatchetStateException
                 | IllegalArgumentException e) {
            throw new IllegalStateException("stored relationship state is malformed: " + e.getMessage(), e);
        }
    }

    private static byte[] aad(long relationshipId) {
        return ("liaison relationship state v1 " + relationshipId).getBytes(StandardCharsets.US_ASCII);
    }
}
