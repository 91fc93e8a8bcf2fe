package dev.liaison.gateway.address;

import dev.liaison.gateway.Limits;
import dev.liaison.gateway.primitive.Entropy;
import dev.liaison.gateway.primitive.Hpke;
import dev.liaison.gateway.primitive.Labels;
import dev.liaison.gateway.primitive.Signing;
import dev.liaison.gateway.primitive.SigningKeyPair;
import dev.liaison.gateway.wire.Bytes;
import dev.liaison.gateway.wire.WireWriter;
import java.time.Clock;
import java.time.Instant;

/**
 * {@code Diversify} of seed 4.4, both uses: the recipient turns a root address into a signed
 * recipient-diversified address for one relationship, and the sender re-diversifies that for each
 * message. Both are HPKE seals with a fresh ephemeral key, which is what makes repeated outputs
 * unlinkable; the key generation is bound as associated data so it cannot be swapped.
 */
public final class AddressDiversifier {
    private final Entropy entropy;
    private final Clock clock;

    /** A diversifier whose lifetime cap on signed addresses counts from the system clock. */
    public AddressDiversifier(Entropy entropy) {
        this(entropy, Clock.systemUTC());
    }

    /** A diversifier whose lifetime cap on signed addresses counts from {@code clock}. */
    public AddressDiversifier(Entropy entropy, Clock clock) {
        this.entropy = entropy;
        this.clock = clock;
    }

    /**
     * The seed's {@code RDAS_j}: {@code root} sealed to {@code serviceKey} and signed with the
     * address-signing key the user registered at that service, valid until {@code expiry}.
     *
     * @throws IllegalArgumentException if {@code expiry} is more than {@link Limits#MAX_ADDRESS_LIFETIME}
     *     after the clock's now: the receiving service would refuse to resolve such an address, so
     *     publishing it would make the relationship silently undeliverable
     */
    public SignedAddress forRecipient(RootAddress root, DiversificationKey serviceKey,
                                      SigningKeyPair addressSigningKey, Instant expiry) {
        Instant whole = Instant.ofEpochSecond(expiry.getEpochSecond());
        Instant latest = clock.instant().plus(Limits.MAX_ADDRESS_LIFETIME);
        if (whole.isAfter(latest)) {
            throw new IllegalArgumentException("address expiry " + whole + " is after " + latest + ", more than "
                    + Limits.MAX_ADDRESS_LIFETIME.toDays() + " days from now; receiving services refuse such"
                    + " addresses, so choose an earlier expiry");
        }
        byte[] aad = generationBytes(serviceKey.generation());
        Bytes sealedRoot = Bytes.of(Hpke.seal(serviceKey.publicKey(), Labels.ADDRESS_RECIPIENT_DIVERSIFICATION,
                aad, root.value().toByteArray(), entropy));
        byte[] signature = Signing.sign(addressSigningKey,
                SignedAddress.signedContent(serviceKey.generation(), sealedRoot, whole));
        return new SignedAddress(serviceKey.generation(), sealedRoot, whole, Bytes.of(signature));
    }

    /** The seed's {@code SDA}: {@code address} sealed to the service's current key, for one message. */
    public DiversifiedAddress forSender(SignedAddress address, DiversificationKey serviceKey) {
        byte[] sealed = Hpke.seal(serviceKey.publicKey(), Labels.ADDRESS_SENDER_DIVERSIFICATION,
                generationBytes(serviceKey.generation()), address.encode(), entropy);
        return new DiversifiedAddress(serviceKey.generation(), Bytes.of(sealed));
    }

    static byte[] generationBytes(int generation) {
        return new WireWriter(4).u32(generation).toByteArray();
    }
}
