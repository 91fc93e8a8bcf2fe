package dev.liaison.gateway.ratchet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.liaison.gateway.Limits;
import dev.liaison.gateway.primitive.Aead;
import dev.liaison.gateway.wire.Bytes;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The bounds of one ratchet state: stored bytes whose fields contradict each other, skipped keys
 * kept from too many old chains, and message counters at their 2^31 − 1 limit.
 */
class RatchetStateLimitsTest {

    /** A state as {@link Ratchet} would never produce it: {@code change} applied to a copy of {@code state}. */
    private static byte[] altered(RatchetState state, Consumer<Ratchet.Work> change) {
        Ratchet.Work work = new Ratchet.Work(state);
        change.accept(work);
        return new RatchetState(work).encode();
    }

    private static RatchetPair exchanged(String seed) throws Exception {
        RatchetPair pair = new RatchetPair(seed, 1000);
        pair.bobReceives(pair.aliceSends("hello"));
        pair.aliceReceives(pair.bobSends("hi"));
        return pair;
    }

    @Test
    void everyStateTheRatchetProducesDecodes() throws Exception {
        RatchetPair pair = new RatchetPair("consistent", 1000);
        assertEquals(pair.alice, RatchetState.decode(pair.alice.encode()));
        assertEquals(pair.bob, RatchetState.decode(pair.bob.encode()));
        pair.aliceSends("lost");
        pair.bobReceives(pair.aliceSends("one"));
        assertEquals(pair.alice, RatchetState.decode(pair.alice.encode()));
        assertEquals(pair.bob, RatchetState.decode(pair.bob.encode()));
    }

    @Test
    void storedStateWithAChainKeyButNoHeaderKeyIsRefused() throws Exception {
        RatchetPair pair = exchanged("chain without header key");
        assertThrows(MalformedRatchetStateException.class, () -> RatchetState.decode(
                altered(pair.bob, work -> work.receivingHeaderKey = Bytes.empty())));
        assertThrows(MalformedRatchetStateException.class, () -> RatchetState.decode(
                altered(pair.bob, work -> work.sendingHeaderKey = Bytes.empty())));
    }

    @Test
    void storedStateWithAHeaderKeyButNoChainKeyIsRefused() throws Exception {
        RatchetPair pair = exchanged("header key without chain");
        assertThrows(MalformedRatchetStateException.class, () -> RatchetState.decode(
                altered(pair.bob, work -> work.receivingChainKey = Bytes.empty())));
        assertThrows(MalformedRatchetStateException.class, () -> RatchetState.decode(
                altered(pair.alice, work -> work.sendingChainKey = Bytes.empty())));
    }

    @Test
    void storedStateWithChainsButNoPeerRatchetKeyIsRefused() throws Exception {
        RatchetPair pair = exchanged("no peer key");
        assertThrows(MalformedRatchetStateException.class, () -> RatchetState.decode(
                altered(pair.bob, work -> work.receivingRatchetKey = Bytes.empty())));
    }

    @Test
    void storedStateWithAReceivingChainButNoSendingChainIsRefused() throws Exception {
        RatchetPair pair = exchanged("receiving only");
        assertThrows(MalformedRatchetStateException.class, () -> RatchetState.decode(altered(pair.bob, work -> {
            work.sendingChainKey = Bytes.empty();
            work.sendingHeaderKey = Bytes.empty();
        })));
    }

    @Test
    void storedStateWithCountersOrSkippedKeysForChainsItDoesNotHaveIsRefused() throws Exception {
        RatchetPair pair = new RatchetPair("counters without chains", 1000);
        assertThrows(MalformedRatchetStateException.class, () -> RatchetState.decode(
                altered(pair.bob, work -> work.sendCount = 3)));
        assertThrows(MalformedRatchetStateException.class, () -> RatchetState.decode(
                altered(pair.alice, work -> work.receiveCount = 2)));
        assertThrows(MalformedRatchetStateException.class, () -> RatchetState.decode(
                altered(pair.alice, work -> work.previousSendCount = 1)));
        assertThrows(MalformedRatchetStateException.class, () -> RatchetState.decode(altered(pair.alice,
                work -> work.putSkipped(new SkippedKey(work.sendingHeaderKey, 0, Bytes.of(new byte[32]))))));
    }

    @Test
    void storedStateListingOneSkippedKeyTwiceIsRefused() throws Exception {
        RatchetPair pair = new RatchetPair("duplicate skipped", 1000);
        pair.aliceSends("lost");
        pair.bobReceives(pair.aliceSends("arrives"));
        byte[] encoded = pair.bob.encode();
        // Append a copy of the one skipped entry (68 bytes at the end) and count it.
        byte[] doubled = java.util.Arrays.copyOf(encoded, encoded.length + 68);
        System.arraycopy(encoded, encoded.length - 68, doubled, encoded.length, 68);
        doubled[encoded.length - 68 - 1] = 2;
        assertThrows(MalformedRatchetStateException.class, () -> RatchetState.decode(doubled));
    }

    /** Alice sends two messages per turn; Bob gets only the second, so each of Alice's chains leaves one skipped key. */
    private static List<Bytes> turnsLosingOneMessageEach(RatchetPair pair, int turns) throws Exception {
        List<Bytes> lost = new ArrayList<>();
        for (int turn = 0; turn < turns; turn++) {
            lost.add(pair.aliceSends("lost " + turn));
            pair.bobReceives(pair.aliceSends("arrives " + turn));
            pair.aliceReceives(pair.bobSends("reply " + turn));
        }
        return lost;
    }

    private static long chainsWithSkippedKeys(RatchetState state) {
        return state.skippedKeys.stream().map(SkippedKey::headerKey).distinct().count();
    }

    @Test
    void skippedKeysAreKeptForABoundedNumberOfChainsDroppingTheOldest() throws Exception {
        RatchetPair pair = new RatchetPair("many chains", 1000);
        int turns = Limits.MAX_SKIPPED_KEY_CHAINS + 3;
        List<Bytes> lost = turnsLosingOneMessageEach(pair, turns);
        assertEquals(Limits.MAX_SKIPPED_KEY_CHAINS, chainsWithSkippedKeys(pair.bob));
        assertEquals(Limits.MAX_SKIPPED_KEY_CHAINS, pair.bob.skippedKeyCount());
        RatchetState before = pair.bob;
        assertThrows(UndecryptableHeaderException.class, () -> pair.bobReceives(lost.get(0)));
        assertEquals(before, pair.bob);
        for (int turn = turns - Limits.MAX_SKIPPED_KEY_CHAINS; turn < turns; turn++) {
            assertEquals("lost " + turn, pair.bobReceives(lost.get(turn)));
        }
        assertEquals(0, pair.bob.skippedKeyCount());
    }

    @Test
    void storedStateWithSkippedKeysFromTooManyChainsIsRefused() throws Exception {
        RatchetPair pair = exchanged("too many stored chains");
        byte[] encoded = altered(pair.bob, work -> {
            for (int chain = 0; chain <= Limits.MAX_SKIPPED_KEY_CHAINS; chain++) {
                byte[] headerKey = new byte[32];
                headerKey[0] = (byte) chain;
                work.putSkipped(new SkippedKey(Bytes.of(headerKey), 0, Bytes.of(new byte[32])));
            }
        });
        assertThrows(MalformedRatchetStateException.class, () -> RatchetState.decode(encoded));
    }

    @Test
    void aSendingChainAtTheCounterLimitRefusesToSealWithAClearErrorNotAnArithmeticOne() throws Exception {
        RatchetPair pair = new RatchetPair("send limit", 1000);
        RatchetState almost = RatchetState.decode(altered(pair.alice,
                work -> work.sendCount = Limits.MAX_MESSAGE_NUMBER - 1));
        assertTrue(almost.canSend());
        SealedMessage last = pair.ratchet.seal(almost, "last".getBytes());
        assertFalse(last.state().canSend());
        var e = assertThrows(IllegalStateException.class, () -> pair.ratchet.seal(last.state(), "one more".getBytes()));
        assertTrue(e.getMessage().contains(Integer.toString(Limits.MAX_MESSAGE_NUMBER)), e.getMessage());
    }

    @Test
    void messageNumberedAtTheCounterLimitIsRefusedWithACheckedErrorAndStateIsUnchanged() throws Exception {
        RatchetPair pair = exchanged("receive limit");
        RatchetState bob = RatchetState.decode(altered(pair.bob,
                work -> work.receiveCount = Limits.MAX_MESSAGE_NUMBER - 1));
        byte[] atLimit = forgedOnBobsChain(bob, Limits.MAX_MESSAGE_NUMBER);
        assertThrows(MessageNumberLimitException.class, () -> pair.ratchet.open(bob, atLimit));
        OpenedMessage last = pair.ratchet.open(bob, forgedOnBobsChain(bob, Limits.MAX_MESSAGE_NUMBER - 1));
        assertEquals("forged", new String(last.plaintext().toByteArray()));
        assertEquals(Limits.MAX_MESSAGE_NUMBER, last.state().receiveCount());
    }

    /**
     * A message with number {@code number} on the chain {@code bob} currently receives, made from
     * Bob's own receiving keys (what Alice would send if her counter could get there).
     */
    private static byte[] forgedOnBobsChain(RatchetState bob, int number) {
        byte[] chainKey = bob.receivingChainKey.toByteArray();
        for (int n = bob.receiveCount; n < number; n++) {
            chainKey = RatchetKdf.chain(chainKey)[1];
        }
        MessageHeader header = new MessageHeader(bob.receivingRatchetKey, 0, number);
        return RatchetMessage.seal(bob.receivingHeaderKey.toByteArray(), new byte[Aead.NONCE_LENGTH], header,
                RatchetKdf.chain(chainKey)[0], bob.associatedData.toByteArray(), "forged".getBytes());
    }
}
