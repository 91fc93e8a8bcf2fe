package dev.liaison.gateway.envelope;

import dev.liaison.gateway.address.AddressDiversifier;
import dev.liaison.gateway.address.DiversificationKey;
import dev.liaison.gateway.address.SignedAddress;
import dev.liaison.gateway.payload.Payload;
import dev.liaison.gateway.payload.PayloadCodec;
import dev.liaison.gateway.payload.PayloadException;
import dev.liaison.gateway.ratchet.OpenedMessage;
import dev.liaison.gateway.ratchet.Ratchet;
import dev.liaison.gateway.ratchet.RatchetException;
import dev.liaison.gateway.ratchet.RatchetState;
import dev.liaison.gateway.ratchet.SealedMessage;
import dev.liaison.gateway.wire.Bytes;

/**
 * The relationship manager's per-message steps in one place: payload → padding → ratchet →
 * envelope with a freshly sender-diversified address, and back. Pure: the caller persists the
 * returned state with the envelope (sending) or with the delivered mail (receiving).
 */
public final class EnvelopeSealer {
    private final Ratchet ratchet;
    private final AddressDiversifier diversifier;

    public EnvelopeSealer(Ratchet ratchet, AddressDiversifier diversifier) {
        this.ratchet = ratchet;
        this.diversifier = diversifier;
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

    /** An envelope carrying the acceptor's key agreement to one of the inviter's addresses. */
    public Envelope sealKeyAgreement(Bytes keyAgreement, SignedAddress recipient, DiversificationKey serviceKey) {
        return new Envelope(diversifier.forSender(recipient, serviceKey),
                Bytes.of(Padding.padToBucket(keyAgreement.toByteArray())));
    }

    /** The key agreement inside an envelope for which {@link Envelope#carriesKeyAgreement()} holds. */
    public static byte[] openKeyAgreement(Envelope envelope) throws MalformedPaddingException {
        if (!envelope.carriesKeyAgreement()) {
            throw new MalformedPaddingException("envelope carries a ratchet message, not a key agreement");
        }
        return Padding.unpad(envelope.ciphertext().toByteArray());
    }
}
