package dev.liaison.gateway.envelope;

import dev.liaison.gateway.address.AddressDiversifier;
import dev.liaison.gateway.address.DiversificationKey;
import dev.liaison.gateway.address.SignedAddress;
import dev.liaison.gateway.payload.Payload;
import dev.liaison.gateway.payload.PayloadCodec;
import dev.liaison.gateway.payload.PayloadException;
import dev.liaison.gateway.primitive.AgreementKeyPair;
import dev.liaison.gateway.primitive.Entropy;
import dev.liaison.gateway.primitive.Hpke;
import dev.liaison.gateway.primitive.Labels;
import dev.liaison.gateway.ratchet.OpenedMessage;
import dev.liaison.gateway.ratchet.Ratchet;
import dev.liaison.gateway.ratchet.RatchetException;
import dev.liaison.gateway.ratchet.RatchetState;
import dev.liaison.gateway.ratchet.SealedMessage;
import dev.liaison.gateway.wire.Bytes;

/**
 * The relationship manager's per-message steps in one place: payload → padding → ratchet →
 * envelope with a freshly sender-diversified address, and back; and the acceptor's key agreement,
 * sealed with HPKE to the invitation's signed prekey so that only the inviter can read it (the
 * receiving service sees a first contact, not who makes it). Pure: the caller persists the returned
 * state with the envelope (sending) or with the delivered mail (receiving).
 */
public final class EnvelopeSealer {
    /** Bytes a sealed key agreement adds around its padded plaintext: kind byte, HPKE encapsulated key, tag. */
    public static final int KEY_AGREEMENT_OVERHEAD = 1 + Hpke.ENCAPSULATION_LENGTH + Hpke.TAG_LENGTH;
    /** First byte of a sealed key agreement; a ratchet message starts with its version, 0x01. */
    private static final byte KEY_AGREEMENT_KIND = 0x00;
    private static final Bytes ERASED_KEY = Bytes.of(new byte[AgreementKeyPair.KEY_LENGTH]);

    private final Ratchet ratchet;
    private final AddressDiversifier diversifier;
    private final Entropy entropy;

    /** A sealer whose key agreement encryption draws its ephemeral keys from the system's entropy. */
    public EnvelopeSealer(Ratchet ratchet, AddressDiversifier diversifier) {
        this(ratchet, diversifier, Entropy.system());
    }

    /** A sealer whose key agreement encryption draws its ephemeral keys from {@code entropy}. */
    public EnvelopeSealer(Ratchet ratchet, AddressDiversifier diversifier, Entropy entropy) {
        this.ratchet = ratchet;
        this.diversifier = diversifier;
        this.entropy = entropy;
    }

    /** Seals {@code payload} for the peer reachable at {@code recipient} through the service keyed {@code serviceKey}. */
    public SealedEnvelope seal(RatchetState state, Payload payload, SignedAddress recipient,
                               DiversificationKey serviceKey) {
        SealedMessage sealed = ratchet.seal(state, Padding.pad(payload));
        Envelope envelope = new Envelope(diversifier.forSender(recipient, serviceKey), sealed.message());
        return new SealedEnvelope(sealed.state(), envelope);
    }

    /**
     * Opens an envelope the receiving service already resolved to this relationship. On any
     * exception {@code state} is unchanged and stays current.
     */
    public OpenedEnvelope open(RatchetState state, Envelope envelope)
            throws RatchetException, EnvelopeException, PayloadException {
        OpenedMessage opened = ratchet.open(state, envelope.ciphertext().toByteArray());
        byte[] padded = opened.plaintext().toByteArray();
        return new OpenedEnvelope(opened.state(), PayloadCodec.decode(padded, 4, Padding.contentLength(padded)));
    }

    /**
     * An envelope carrying the acceptor's key agreement to one of the inviter's addresses:
     * {@code 0x00 || HPKE.Seal(signedPrekey, L_KEY_AGREEMENT, aad = 0x00, padded key agreement)},
     * exactly one bucket long (docs/protocol.md 8.2). Draws the HPKE ephemeral key, then the
     * sender-diversified address's.
     *
     * @param signedPrekey the invitation's signed prekey, {@code Invitation.signedPrekey()}
     * @throws IllegalArgumentException for a key agreement over the limit or a low-order prekey,
     *     neither of which an accepted invitation produces
     */
    public Envelope sealKeyAgreement(Bytes keyAgreement, Bytes signedPrekey, SignedAddress recipient,
                                     DiversificationKey serviceKey) {
        byte[] sealed = Hpke.seal(signedPrekey, Labels.KEY_AGREEMENT, new byte[] {KEY_AGREEMENT_KIND},
                Padding.padKeyAgreement(keyAgreement.toByteArray()), entropy);
        byte[] ciphertext = new byte[1 + sealed.length];
        ciphertext[0] = KEY_AGREEMENT_KIND;
        System.arraycopy(sealed, 0, ciphertext, 1, sealed.length);
        return new Envelope(diversifier.forSender(recipient, serviceKey), Bytes.adopt(ciphertext));
    }

    /**
     * The key agreement inside an envelope for which {@link Envelope#carriesKeyAgreement()} holds,
     * opened with the signed prekey pair of an unused pending invitation.
     *
     * @throws MalformedPaddingException if the envelope carries a ratchet message, or the opened
     *     padding is invalid (only a broken acceptor makes that)
     * @throws UndecryptableKeyAgreementException if it does not open with this prekey: meant for
     *     another invitation, or altered
     * @throws IllegalArgumentException if the prekey's private key is erased: the pending invitation
     *     was used; check {@code PendingInvitation.used()} first and refuse as already used
     */
    public static byte[] openKeyAgreement(Envelope envelope, AgreementKeyPair signedPrekey) throws EnvelopeException {
        if (!envelope.carriesKeyAgreement()) {
            throw new MalformedPaddingException("envelope carries a ratchet message, not a key agreement");
        }
        if (signedPrekey.privateKey().equals(ERASED_KEY)) {
            throw new IllegalArgumentException("signed prekey private key is erased: the invitation was already used;"
                    + " refuse the key agreement as a repeat instead of opening it");
        }
        byte[] ciphertext = envelope.ciphertext().toByteArray();
        byte[] padded = Hpke.open(signedPrekey, Labels.KEY_AGREEMENT, new byte[] {KEY_AGREEMENT_KIND},
                        java.util.Arrays.copyOfRange(ciphertext, 1, ciphertext.length))
                .orElseThrow(() -> new UndecryptableKeyAgreementException("key agreement envelope does not open with"
                        + " this invitation's signed prekey: meant for another invitation, or altered"));
        return Padding.unpadKeyAgreement(padded);
    }
}
