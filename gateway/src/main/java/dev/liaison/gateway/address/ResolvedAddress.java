package dev.liaison.gateway.address;

import dev.liaison.gateway.primitive.Signing;
import dev.liaison.gateway.wire.Bytes;

/**
 * A diversified address the service has opened down to its root, before the signature check:
 * the root tells the service which user (and so which registered signing keys) to check against.
 */
public record ResolvedAddress(RootAddress root, SignedAddress signedAddress) {

    /** Passes if any of the user's registered address-signing keys made the signature. */
    public void verify(java.util.List<Bytes> registeredSigningKeys) throws AddressSignatureException {
        verify(registeredSigningKeys, AddressMemo.NONE);
    }

    void verify(java.util.List<Bytes> registeredSigningKeys, AddressMemo memo) throws AddressSignatureException {
        byte[] content = signedAddress.signedContent();
        byte[] signature = signedAddress.signature().toByteArray();
        for (Bytes key : registeredSigningKeys) {
            if (memo.verified(key, content, signature, () -> Signing.verify(key, signature, content))) {
                return;
            }
        }
        throw new AddressSignatureException("signature on the address for generation "
                + signedAddress.generation() + " matches none of the " + registeredSigningKeys.size()
                + " signing keys registered for its root address; dropped");
    }
}
