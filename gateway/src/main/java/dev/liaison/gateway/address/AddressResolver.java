package dev.liaison.gateway.address;

import dev.liaison.gateway.Limits;
import dev.liaison.gateway.primitive.AgreementKeyPair;
import dev.liaison.gateway.primitive.Hpke;
import dev.liaison.gateway.primitive.Labels;
import dev.liaison.gateway.wire.Bytes;
import java.time.Instant;
import java.util.List;

/**
 * {@code Resolve} of seed 4.4, run by the receiving service on every envelope: open the
 * sender-diversified address to the signed address, open that to the root address, check expiry,
 * and check the user's signature. Each failure has its own exception for counting, but the service
 * must answer the sender identically for all of them.
 */
public final class AddressResolver {
    private AddressResolver() {
    }

    /**
     * Opens both layers and checks expiry, but not the signature (that needs the root's signers):
     * package-private so nothing outside can mistake an unverified address for a resolved one;
     * {@link #resolveAndVerify} is the whole check.
     */
    static ResolvedAddress resolve(ServiceKeyRing keys, DiversifiedAddress address, Instant now)
            throws AddressException {
        return resolve(keys, address, now, AddressMemo.NONE);
    }

    private static ResolvedAddress resolve(ServiceKeyRing keys, DiversifiedAddress address, Instant now,
                                           AddressMemo memo) throws AddressException {
        byte[] signedBytes = Hpke.open(keyFor(keys, address.generation()), Labels.ADDRESS_SENDER_DIVERSIFICATION,
                        AddressDiversifier.generationBytes(address.generation()), address.sealed().toByteArray())
                .orElseThrow(() -> new UnresolvableAddressException("sender-diversified address for generation "
                        + address.generation() + " does not open with this service's key; dropped"));
        SignedAddress signed = SignedAddress.decode(signedBytes);
        if (signed.isExpiredAt(now)) {
            throw new ExpiredAddressException("address expired at " + signed.expiry() + " (now " + now
                    + "); the sender must use a fresh address from its latest Particle update");
        }
        if (signed.expiry().isAfter(now.plus(Limits.MAX_ADDRESS_LIFETIME))) {
            throw new MalformedAddressException("address expiry " + signed.expiry() + " is more than "
                    + Limits.MAX_ADDRESS_LIFETIME + " after now (" + now + "); such addresses are refused so"
                    + " root addresses can be retired");
        }
        AgreementKeyPair rootKey = keyFor(keys, signed.generation());
        byte[] root = memo.root(rootKey.publicKey(), signed.sealedRoot(), () -> Hpke.open(rootKey,
                        Labels.ADDRESS_RECIPIENT_DIVERSIFICATION, AddressDiversifier.generationBytes(signed.generation()),
                        signed.sealedRoot().toByteArray()))
                .orElseThrow(() -> new UnresolvableAddressException("recipient-diversified address for generation "
                        + signed.generation() + " does not open with this service's key; dropped"));
        if (root.length != RootAddress.LENGTH) {
            throw new MalformedAddressException("root address is " + root.length + " bytes, expected "
                    + RootAddress.LENGTH);
        }
        return new ResolvedAddress(new RootAddress(Bytes.of(root)), signed);
    }

    /** Resolve, find the root's user, and verify the signature: the whole receiving-side check. */
    public static ResolvedAddress resolveAndVerify(ServiceKeyRing keys, DiversifiedAddress address, Instant now,
                                                   SignerDirectory directory) throws AddressException {
        return resolveAndVerify(keys, address, now, directory, AddressMemo.NONE);
    }

    /**
     * As {@link #resolveAndVerify(ServiceKeyRing, DiversifiedAddress, Instant, SignerDirectory)}, taking
     * the signed address's root and signature check from {@code memo} when this relationship's earlier
     * messages worked them out (the sender-diversified layer, expiry and signers are checked every time).
     */
    public static ResolvedAddress resolveAndVerify(ServiceKeyRing keys, DiversifiedAddress address, Instant now,
                                                   SignerDirectory directory, AddressMemo memo) throws AddressException {
        ResolvedAddress resolved = resolve(keys, address, now, memo);
        List<Bytes> signers = directory.signingKeysFor(resolved.root());
        if (signers.isEmpty()) {
            throw new UnknownRootAddressException("no user holds the resolved root address; dropped");
        }
        resolved.verify(signers, memo);
        return resolved;
    }

    private static AgreementKeyPair keyFor(ServiceKeyRing keys, int generation) throws UnknownKeyGenerationException {
        return keys.keyPair(generation).orElseThrow(() -> new UnknownKeyGenerationException(
                "key generation " + generation + " is not held (held: " + keys.generations()
                        + "); the sender must refetch the service's current key"));
    }
}
