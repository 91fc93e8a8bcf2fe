package dev.liaison.gateway;

import dev.liaison.gateway.address.AddressDiversifier;
import dev.liaison.gateway.address.DeliveryRoute;
import dev.liaison.gateway.address.RootAddress;
import dev.liaison.gateway.address.ServiceKeyRing;
import dev.liaison.gateway.address.SignerDirectory;
import dev.liaison.gateway.primitive.Entropy;
import dev.liaison.gateway.primitive.SeededEntropy;
import dev.liaison.gateway.primitive.Signing;
import dev.liaison.gateway.primitive.SigningKeyPair;
import dev.liaison.gateway.ratchet.Ratchet;
import java.time.Instant;
import java.util.List;

/**
 * One user at one receiving service, built from a seed: the service's key ring, the user's root
 * address and address-signing key, and helpers to make delivery routes. Deterministic, so tests and
 * test vectors see the same bytes every run.
 */
public final class ProtocolFixture {
    public static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    public static final Instant ADDRESS_EXPIRY = Instant.parse("2026-03-01T00:00:00Z");

    public final Entropy entropy;
    public final ServiceKeyRing serviceKeys;
    public final RootAddress root;
    public final SigningKeyPair addressSigningKey;
    public final AddressDiversifier diversifier;
    public final Ratchet ratchet;
    public final String serviceUrl;

    public ProtocolFixture(String seed) {
        entropy = new SeededEntropy(seed);
        serviceKeys = ServiceKeyRing.create(entropy);
        root = RootAddress.generate(entropy);
        addressSigningKey = Signing.generate(entropy);
        diversifier = new AddressDiversifier(entropy, java.time.Clock.fixed(NOW, java.time.ZoneOffset.UTC));
        ratchet = new Ratchet(entropy);
        serviceUrl = "https://" + seed.replaceAll("[^a-z]", "") + ".example/communicator";
    }

    public DeliveryRoute route(int addresses) {
        List<dev.liaison.gateway.address.SignedAddress> signed = new java.util.ArrayList<>();
        for (int i = 0; i < addresses; i++) {
            signed.add(diversifier.forRecipient(root, serviceKeys.currentKey(), addressSigningKey, ADDRESS_EXPIRY));
        }
        return new DeliveryRoute(serviceUrl, serviceKeys.currentKey(), signed);
    }

    public SignerDirectory directory() {
        return candidate -> candidate.equals(root) ? List.of(addressSigningKey.publicKey()) : List.of();
    }
}
