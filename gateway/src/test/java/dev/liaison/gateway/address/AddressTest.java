package dev.liaison.gateway.address;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.liaison.gateway.primitive.Entropy;
import dev.liaison.gateway.primitive.SeededEntropy;
import dev.liaison.gateway.primitive.Signing;
import dev.liaison.gateway.primitive.SigningKeyPair;
import dev.liaison.gateway.wire.Bytes;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AddressTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant EXPIRY = Instant.parse("2026-02-01T00:00:00Z");

    private final Entropy entropy = new SeededEntropy("address test");
    private final AddressDiversifier diversifier = new AddressDiversifier(entropy, Clock.fixed(NOW, ZoneOffset.UTC));
    private ServiceKeyRing ring = ServiceKeyRing.create(entropy);
    private final RootAddress root = RootAddress.generate(entropy);
    private final SigningKeyPair userKey = Signing.generate(entropy);
    private final SignerDirectory directory = r -> r.equals(root) ? List.of(userKey.publicKey()) : List.of();

    private SignedAddress signed() {
        return diversifier.forRecipient(root, ring.currentKey(), userKey, EXPIRY);
    }

    @Test
    void senderDiversifiedAddressResolvesToTheRootAndVerifies() throws Exception {
        SignedAddress address = signed();
        DiversifiedAddress forMessage = diversifier.forSender(address, ring.currentKey());
        ResolvedAddress resolved = AddressResolver.resolveAndVerify(ring, forMessage, NOW, directory);
        assertEquals(root, resolved.root());
        assertEquals(address, resolved.signedAddress());
    }

    @Test
    void diversifyingTheSameAddressTwiceGivesUnrelatedBytesOfEqualLength() {
        SignedAddress first = signed();
        SignedAddress second = signed();
        assertNotEquals(first.sealedRoot(), second.sealedRoot());
        DiversifiedAddress a = diversifier.forSender(first, ring.currentKey());
        DiversifiedAddress b = diversifier.forSender(first, ring.currentKey());
        assertEquals(a.sealed().length(), b.sealed().length());
        assertNotEquals(a.sealed(), b.sealed());
        assertEquals(0, commonPrefix(a.sealed().toByteArray(), b.sealed().toByteArray()) / 8,
                "diversified addresses share a long prefix");
        assertEquals(-1, indexOf(a.sealed().toByteArray(), first.encode()), "signed address visible inside");
    }

    @Test
    void expiredAddressIsRefused() {
        DiversifiedAddress forMessage = diversifier.forSender(signed(), ring.currentKey());
        assertThrows(ExpiredAddressException.class,
                () -> AddressResolver.resolveAndVerify(ring, forMessage, EXPIRY, directory));
    }

    @Test
    void addressValidForLongerThanTheLifetimeLimitIsRefused() {
        // Made by a user whose clock is a day ahead of the service's, so the user's own cap lets it through.
        AddressDiversifier ahead = new AddressDiversifier(entropy, Clock.fixed(NOW.plus(Duration.ofDays(1)), ZoneOffset.UTC));
        SignedAddress forever = ahead.forRecipient(root, ring.currentKey(), userKey,
                NOW.plus(dev.liaison.gateway.Limits.MAX_ADDRESS_LIFETIME).plusSeconds(1));
        DiversifiedAddress forMessage = diversifier.forSender(forever, ring.currentKey());
        assertThrows(MalformedAddressException.class,
                () -> AddressResolver.resolveAndVerify(ring, forMessage, NOW, directory));
    }

    @Test
    void userRefusesToMakeAnAddressTheServiceWouldRefuseForItsLifetime() throws Exception {
        Instant longest = NOW.plus(dev.liaison.gateway.Limits.MAX_ADDRESS_LIFETIME);
        SignedAddress atTheLimit = diversifier.forRecipient(root, ring.currentKey(), userKey, longest);
        assertEquals(root, AddressResolver.resolveAndVerify(ring, diversifier.forSender(atTheLimit, ring.currentKey()),
                NOW, directory).root());
        var e = assertThrows(IllegalArgumentException.class,
                () -> diversifier.forRecipient(root, ring.currentKey(), userKey, longest.plusSeconds(1)));
        assertTrue(e.getMessage().contains("400"), e.getMessage());
    }

    @Test
    void onlyTheResolveThatVerifiesTheSignatureIsPublic() {
        List<String> publicMethods = new java.util.ArrayList<>();
        for (Method method : AddressResolver.class.getDeclaredMethods()) {
            if (Modifier.isPublic(method.getModifiers())) {
                publicMethods.add(method.getName());
            }
        }
        assertEquals(List.of("resolveAndVerify"), publicMethods.stream().distinct().toList());
    }

    @Test
    void aMemoAnswersOnlyForKeysStillHeldAndSignersStillRegistered() throws Exception {
        AddressMemo memo = new AddressMemo(16);
        SignedAddress old = signed();
        ring = ring.rotate(entropy);
        DiversifiedAddress first = diversifier.forSender(old, ring.currentKey());
        assertEquals(root, AddressResolver.resolveAndVerify(ring, first, NOW, directory, memo).root());
        DiversifiedAddress second = diversifier.forSender(old, ring.currentKey());
        assertEquals(root, AddressResolver.resolveAndVerify(ring, second, NOW, directory, memo).root());

        SignerDirectory rekeyed = r -> r.equals(root) ? List.of(Signing.generate(entropy).publicKey()) : List.of();
        assertThrows(AddressSignatureException.class,
                () -> AddressResolver.resolveAndVerify(ring, second, NOW, rekeyed, memo), "signing key withdrawn");
        ServiceKeyRing retired = ring.retire(1);
        assertThrows(UnknownKeyGenerationException.class,
                () -> AddressResolver.resolveAndVerify(retired, second, NOW, directory, memo), "root's generation retired");
        assertThrows(ExpiredAddressException.class,
                () -> AddressResolver.resolveAndVerify(ring, second, EXPIRY, directory, memo), "expired");
        SignedAddress honest = signed();
        SignedAddress extended = new SignedAddress(honest.generation(), honest.sealedRoot(), EXPIRY.plusSeconds(60),
                honest.signature());
        AddressResolver.resolveAndVerify(ring, diversifier.forSender(honest, ring.currentKey()), NOW, directory, memo);
        assertThrows(AddressSignatureException.class, () -> AddressResolver.resolveAndVerify(ring,
                diversifier.forSender(extended, ring.currentKey()), NOW, directory, memo), "expiry extended");
    }

    @Test
    void aMemoKeepsSuccessesUnderAllTheirInputsBoundedAndNothingElse() {
        AddressMemo memo = new AddressMemo(2);
        Bytes owner = Bytes.of(new byte[32]);
        Bytes other = Bytes.of(new byte[] {1});
        Bytes sealed = Bytes.of(new byte[] {2});
        java.util.concurrent.atomic.AtomicInteger work = new java.util.concurrent.atomic.AtomicInteger();
        java.util.function.Supplier<java.util.Optional<byte[]>> opens = () -> {
            work.incrementAndGet();
            return java.util.Optional.of(new byte[] {9});
        };
        assertEquals(9, memo.root(owner, sealed, opens).orElseThrow()[0]);
        assertEquals(9, memo.root(owner, sealed, opens).orElseThrow()[0]);
        assertEquals(1, work.get(), "the second answer came from the memo");
        memo.root(other, sealed, opens);
        assertEquals(2, work.get(), "another key pair is another input");
        memo.root(owner, Bytes.of(new byte[] {3}), opens); // a third root: the least recently used goes
        memo.root(owner, sealed, opens);
        assertEquals(4, work.get(), "bounded to two");
        work.set(0);
        java.util.function.Supplier<java.util.Optional<byte[]>> fails = () -> {
            work.incrementAndGet();
            return java.util.Optional.empty();
        };
        memo.root(owner, Bytes.of(new byte[] {4}), fails);
        memo.root(owner, Bytes.of(new byte[] {4}), fails);
        assertEquals(2, work.get(), "failures are not kept");

        work.set(0);
        byte[] content = {5};
        java.util.function.Supplier<Boolean> good = () -> work.incrementAndGet() > 0;
        assertTrue(memo.verified(owner, content, new byte[] {6}, good));
        assertTrue(memo.verified(owner, content, new byte[] {6}, good));
        assertEquals(1, work.get());
        memo.verified(owner, content, new byte[] {7}, good);
        memo.verified(other, content, new byte[] {6}, good);
        memo.verified(owner, new byte[] {8}, new byte[] {6}, good);
        assertEquals(4, work.get(), "each input is part of the key");
        assertEquals(false, memo.verified(owner, content, new byte[] {0}, () -> false));
        assertEquals(false, memo.verified(owner, content, new byte[] {0}, () -> false), "bad signatures are not kept");

        work.set(0);
        AddressMemo.NONE.root(owner, sealed, opens);
        AddressMemo.NONE.root(owner, sealed, opens);
        assertEquals(2, work.get(), "NONE keeps nothing");
    }

    @Test
    void addressSignedByAnotherKeyIsRefusedAsForged() {
        SigningKeyPair forger = Signing.generate(entropy);
        SignedAddress forged = diversifier.forRecipient(root, ring.currentKey(), forger, EXPIRY);
        DiversifiedAddress forMessage = diversifier.forSender(forged, ring.currentKey());
        assertThrows(AddressSignatureException.class,
                () -> AddressResolver.resolveAndVerify(ring, forMessage, NOW, directory));
    }

    @Test
    void addressWithAnExtendedExpiryIsRefusedAsForged() {
        SignedAddress honest = signed();
        SignedAddress extended = new SignedAddress(honest.generation(), honest.sealedRoot(),
                EXPIRY.plusSeconds(86_400), honest.signature());
        DiversifiedAddress forMessage = diversifier.forSender(extended, ring.currentKey());
        assertThrows(AddressSignatureException.class,
                () -> AddressResolver.resolveAndVerify(ring, forMessage, NOW, directory));
    }

    @Test
    void everyAlteredByteOfADiversifiedAddressIsRefused() {
        DiversifiedAddress forMessage = diversifier.forSender(signed(), ring.currentKey());
        byte[] sealed = forMessage.sealed().toByteArray();
        for (int i = 0; i < sealed.length; i += 7) {
            byte[] altered = sealed.clone();
            altered[i] ^= 0x20;
            DiversifiedAddress bad = new DiversifiedAddress(forMessage.generation(), Bytes.of(altered));
            assertThrows(UnresolvableAddressException.class, () -> AddressResolver.resolve(ring, bad, NOW), "byte " + i);
        }
    }

    @Test
    void addressForAKeyGenerationTheServiceDoesNotHoldIsRefused() {
        DiversifiedAddress forMessage = diversifier.forSender(signed(), ring.currentKey());
        DiversifiedAddress wrongGeneration = new DiversifiedAddress(7, forMessage.sealed());
        assertThrows(UnknownKeyGenerationException.class, () -> AddressResolver.resolve(ring, wrongGeneration, NOW));
    }

    @Test
    void addressSealedToAnotherGenerationsKeyIsRefused() {
        DiversificationKey first = ring.currentKey();
        ring = ring.rotate(entropy);
        DiversifiedAddress forMessage = diversifier.forSender(signed(), first);
        DiversifiedAddress relabelled = new DiversifiedAddress(ring.currentKey().generation(), forMessage.sealed());
        assertThrows(UnresolvableAddressException.class, () -> AddressResolver.resolve(ring, relabelled, NOW));
    }

    @Test
    void rotationKeepsOldAddressesResolvingUntilTheGenerationIsRetired() throws Exception {
        SignedAddress old = signed();
        ring = ring.rotate(entropy);
        assertEquals(2, ring.currentKey().generation());
        DiversifiedAddress forMessage = diversifier.forSender(old, ring.currentKey());
        assertEquals(root, AddressResolver.resolveAndVerify(ring, forMessage, NOW, directory).root());
        ServiceKeyRing retired = ring.retire(1);
        assertThrows(UnknownKeyGenerationException.class, () -> AddressResolver.resolve(retired, forMessage, NOW));
    }

    @Test
    void addressForAnotherServiceIsRefused() {
        ServiceKeyRing otherService = ServiceKeyRing.create(entropy);
        DiversifiedAddress forMessage = diversifier.forSender(signed(), ring.currentKey());
        assertThrows(UnresolvableAddressException.class, () -> AddressResolver.resolve(otherService, forMessage, NOW));
    }

    @Test
    void addressOfNoKnownUserIsRefused() {
        RootAddress stranger = RootAddress.generate(entropy);
        SignedAddress address = diversifier.forRecipient(stranger, ring.currentKey(), userKey, EXPIRY);
        DiversifiedAddress forMessage = diversifier.forSender(address, ring.currentKey());
        assertThrows(UnknownRootAddressException.class,
                () -> AddressResolver.resolveAndVerify(ring, forMessage, NOW, directory));
    }

    @Test
    void rotatingPastTheLargestGenerationIsRefusedRatherThanWrappingAround() throws Exception {
        byte[] encoded = ring.encode();
        for (int offset : new int[] {1, 6}) { // current generation, then the one generation held
            encoded[offset] = 0x7f;
            encoded[offset + 1] = encoded[offset + 2] = encoded[offset + 3] = (byte) 0xff;
        }
        ServiceKeyRing newest = ServiceKeyRing.decode(encoded);
        assertEquals(Integer.MAX_VALUE, newest.currentKey().generation());
        var e = assertThrows(IllegalStateException.class, () -> newest.rotate(entropy));
        assertTrue(e.getMessage().contains("2147483647"), e.getMessage());
    }

    @Test
    void keyRingAndSignedAddressSurviveEncoding() throws Exception {
        ring = ring.rotate(entropy);
        ServiceKeyRing decoded = ServiceKeyRing.decode(ring.encode());
        assertEquals(ring.currentKey(), decoded.currentKey());
        assertEquals(ring.keyPair(1), decoded.keyPair(1));
        SignedAddress address = signed();
        assertEquals(address, SignedAddress.decode(address.encode()));
        assertThrows(MalformedAddressException.class, () -> SignedAddress.decode(new byte[3]));
        assertThrows(MalformedAddressException.class, () -> ServiceKeyRing.decode(Map.of().toString().getBytes()));
    }

    private static int commonPrefix(byte[] a, byte[] b) {
        int i = 0;
        while (i < a.length && a[i] == b[i]) {
            i++;
        }
        return i;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
