package dev.liaison.gateway.invitation;

import dev.liaison.gateway.identity.PublicIdentity;
import dev.liaison.gateway.primitive.Agreement;
import dev.liaison.gateway.primitive.Kdf;
import dev.liaison.gateway.primitive.Labels;
import dev.liaison.gateway.ratchet.SessionSecrets;
import dev.liaison.gateway.wire.Bytes;
import java.util.Arrays;
import java.util.Optional;

/**
 * The X3DH derivation (Signal's X3DH specification, section 3.3) shared by both ends, with the
 * invitation hash in the KDF info and in the associated data, so a session is bound to exactly one
 * invitation. Both ends call {@link #secrets} with the four DH outputs in the same order.
 */
final class X3dh {
    private static final byte[] CURVE25519_PREFIX = filled(32, (byte) 0xff);

    private X3dh() {
    }

    /** DH1 = DH(IK_acceptor, SPK), DH2 = DH(EK, IK_inviter), DH3 = DH(EK, SPK), DH4 = DH(EK, OPK). */
    static SessionSecrets secrets(byte[][] dhOutputs, byte[] invitationHash, PublicIdentity acceptor,
                                  PublicIdentity inviter) {
        byte[] ikm = CURVE25519_PREFIX.clone();
        for (byte[] dh : dhOutputs) {
            ikm = concat(ikm, dh);
        }
        byte[] output = Kdf.hkdf(new byte[32], ikm, concat(Labels.X3DH_SECRETS, invitationHash), 96);
        byte[] associatedData = Kdf.sha256(Labels.SESSION_ASSOCIATED_DATA, invitationHash, acceptor.encode(),
                inviter.encode());
        return new SessionSecrets(Bytes.of(output, 0, 32), Bytes.of(output, 32, 32), Bytes.of(output, 64, 32),
                Bytes.of(associatedData));
    }

    static Optional<byte[]> dh(Bytes privateKey, Bytes publicKey) {
        return Agreement.agree(privateKey, publicKey);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

    private static byte[] filled(int length, byte value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, value);
        return bytes;
    }
}
