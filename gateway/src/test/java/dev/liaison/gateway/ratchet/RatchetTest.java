package dev.liaison.gateway.ratchet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.liaison.gateway.Limits;
import dev.liaison.gateway.wire.Bytes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RatchetTest {

    @Test
    void messagesRoundTripInBothDirections() throws Exception {
        RatchetPair pair = new RatchetPair("round trip", 1000);
        assertEquals("hello bob", pair.bobReceives(pair.aliceSends("hello bob")));
        assertEquals("hello alice", pair.aliceReceives(pair.bobSends("hello alice")));
        assertEquals("again", pair.bobReceives(pair.aliceSends("again")));
    }

    @Test
    void inviterCannotSendBeforeTheFirstMessageArrives() throws Exception {
        RatchetPair pair = new RatchetPair("bob first", 1000);
        assertFalse(pair.bob.canSend());
        assertThrows(IllegalStateException.class, () -> pair.bobSends("too early"));
    }

    @Test
    void longBurstyConversationWithLossAndReorderingStaysInStepThroughSerialisation() throws Exception {
        RatchetPair pair = new RatchetPair("bursty", 1000);
        Random random = new Random(42);
        pair.bobReceives(pair.aliceSends("opening"));
        int delivered = 0;
        for (int round = 0; round < 60; round++) {
            boolean aliceTurn = round % 2 == 0;
            List<Integer> order = new ArrayList<>();
            List<Bytes> burst = new ArrayList<>();
            int length = 1 + random.nextInt(25);
            for (int i = 0; i < length; i++) {
                burst.add(aliceTurn ? pair.aliceSends("a" + round + "." + i) : pair.bobSends("b" + round + "." + i));
                order.add(i);
            }
            Collections.shuffle(order, random);
            for (int index : order) {
                if (random.nextInt(10) == 0 && index != order.get(order.size() - 1)) {
                    continue; // lost in transit
                }
                String text = aliceTurn ? pair.bobReceives(burst.get(index)) : pair.aliceReceives(burst.get(index));
                assertEquals((aliceTurn ? "a" : "b") + round + "." + index, text);
                delivered++;
            }
            pair.alice = RatchetState.decode(pair.alice.encode());
            pair.bob = RatchetState.decode(pair.bob.encode());
        }
        assertTrue(delivered > 300, "delivered " + delivered);
    }

    @Test
    void lateMessageFromAnEarlierChainOpensWithItsSkippedKey() throws Exception {
        RatchetPair pair = new RatchetPair("late", 1000);
        Bytes first = pair.aliceSends("first");
        Bytes second = pair.aliceSends("second");
        assertEquals("second", pair.bobReceives(second));
        pair.aliceReceives(pair.bobSends("reply"));
        pair.bobReceives(pair.aliceSends("new chain"));
        assertEquals(1, pair.bob.skippedKeyCount());
        assertEquals("first", pair.bobReceives(first));
        assertEquals(0, pair.bob.skippedKeyCount());
    }

    @Test
    void replayedMessageIsRefusedAndStateIsUnchanged() throws Exception {
        RatchetPair pair = new RatchetPair("replay", 1000);
        Bytes message = pair.aliceSends("once");
        pair.bobReceives(message);
        RatchetState before = pair.bob;
        assertThrows(DuplicateMessageException.class, () -> pair.bobReceives(message));
        assertEquals(before, pair.bob);
    }

    @Test
    void replayOfAMessageOpenedFromTheSkippedStoreIsRefused() throws Exception {
        RatchetPair pair = new RatchetPair("replay skipped", 1000);
        Bytes first = pair.aliceSends("first");
        pair.bobReceives(pair.aliceSends("second"));
        pair.bobReceives(first);
        assertThrows(DuplicateMessageException.class, () -> pair.bobReceives(first));
    }

    @Test
    void replayFromAnEarlierChainAfterRatchetStepsIsRefused() throws Exception {
        RatchetPair pair = new RatchetPair("old chain", 1000);
        Bytes old = pair.aliceSends("old");
        pair.bobReceives(old);
        pair.aliceReceives(pair.bobSends("b"));
        pair.bobReceives(pair.aliceSends("a"));
        RatchetState before = pair.bob;
        assertThrows(RatchetException.class, () -> pair.bobReceives(old));
        assertEquals(before, pair.bob);
    }

    @Test
    void everyAlteredByteIsRefusedAndStateIsUnchanged() throws Exception {
        RatchetPair pair = new RatchetPair("tamper", 1000);
        Bytes message = pair.aliceSends("do not touch");
        RatchetState before = pair.bob;
        byte[] bytes = message.toByteArray();
        for (int i = 0; i < bytes.length; i++) {
            byte[] altered = bytes.clone();
            altered[i] ^= 0x01;
            assertThrows(RatchetException.class, () -> pair.ratchet.open(before, altered), "byte " + i);
        }
        byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 1);
        assertThrows(MessageAuthenticationException.class, () -> pair.ratchet.open(before, truncated));
        assertEquals("do not touch", pair.bobReceives(message));
    }

    @Test
    void alteredBodyIsReportedAsAuthenticationFailure() throws Exception {
        RatchetPair pair = new RatchetPair("body", 1000);
        byte[] bytes = pair.aliceSends("body").toByteArray();
        bytes[bytes.length - 1] ^= 0x40;
        assertThrows(MessageAuthenticationException.class, () -> pair.ratchet.open(pair.bob, bytes));
    }

    @Test
    void messageOfAnotherSessionIsRefused() throws Exception {
        RatchetPair ours = new RatchetPair("ours", 1000);
        RatchetPair theirs = new RatchetPair("theirs", 1000);
        Bytes foreign = theirs.aliceSends("not for you");
        assertThrows(UndecryptableHeaderException.class, () -> ours.bobReceives(foreign));
    }

    @Test
    void messageSkippingMoreKeysThanTheLimitIsRefused() throws Exception {
        RatchetPair pair = new RatchetPair("limit", 10);
        List<Bytes> sent = new ArrayList<>();
        for (int i = 0; i <= 11; i++) {
            sent.add(pair.aliceSends("m" + i));
        }
        RatchetState before = pair.bob;
        assertThrows(SkippedKeyLimitException.class, () -> pair.bobReceives(sent.get(11)));
        assertEquals(before, pair.bob);
        assertEquals("m10", pair.bobReceives(sent.get(10)));
        assertEquals(10, pair.bob.skippedKeyCount());
    }

    @Test
    void skippedKeyStoreNeverExceedsItsLimitAndDropsTheOldest() throws Exception {
        RatchetPair pair = new RatchetPair("evict", 5);
        List<Bytes> lost = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
            for (int i = 0; i < 4; i++) {
                lost.add(pair.aliceSends("lost" + round + i));
            }
            pair.bobReceives(pair.aliceSends("arrives" + round));
            assertTrue(pair.bob.skippedKeyCount() <= 5, "skipped " + pair.bob.skippedKeyCount());
        }
        assertThrows(RatchetException.class, () -> pair.bobReceives(lost.get(0)));
        assertEquals("lost33", pair.bobReceives(lost.get(lost.size() - 1)));
    }

    @Test
    void defaultSkippedKeyLimitIsOneThousand() throws Exception {
        RatchetPair pair = new RatchetPair("default", Limits.DEFAULT_MAX_SKIPPED_MESSAGE_KEYS);
        Bytes last = null;
        for (int i = 0; i <= 1000; i++) {
            last = pair.aliceSends("m" + i);
        }
        assertEquals("m1000", pair.bobReceives(last));
        assertEquals(1000, pair.bob.skippedKeyCount());
    }

    @Test
    void stateSurvivesEncodingAndRefusesCorruptBytes() throws Exception {
        RatchetPair pair = new RatchetPair("encode", 1000);
        pair.aliceSends("skipped");
        pair.bobReceives(pair.aliceSends("x"));
        byte[] encoded = pair.bob.encode();
        assertEquals(pair.bob, RatchetState.decode(encoded));
        assertThrows(MalformedRatchetStateException.class,
                () -> RatchetState.decode(java.util.Arrays.copyOf(encoded, encoded.length - 1)));
        byte[] wrongVersion = encoded.clone();
        wrongVersion[0] = 2;
        assertThrows(MalformedRatchetStateException.class, () -> RatchetState.decode(wrongVersion));
    }

    @Test
    void resealingAtTheSameChainPositionNeverReusesTheKeystream() throws Exception {
        RatchetPair pair = new RatchetPair("reseal", 1000);
        RatchetState rolledBack = pair.alice;
        byte[] first = pair.ratchet.seal(rolledBack, new byte[64]).message().toByteArray();
        byte[] plaintext = new byte[64];
        java.util.Arrays.fill(plaintext, (byte) 0x5a);
        byte[] second = pair.ratchet.seal(rolledBack, plaintext).message().toByteArray();
        int prefix = 1 + 12 + 56;
        int sameKeystreamBytes = 0;
        for (int i = 0; i < 64; i++) {
            if ((first[prefix + i] ^ second[prefix + i]) == 0x5a) {
                sameKeystreamBytes++;
            }
        }
        assertTrue(sameKeystreamBytes < 8, sameKeystreamBytes + " of 64 bytes share a keystream");
    }

    @Test
    void sameContentSealsToDifferentBytesAndStateNeverPrintsKeys() throws Exception {
        RatchetPair pair = new RatchetPair("print", 1000);
        assertNotEquals(pair.aliceSends("same"), pair.aliceSends("same"));
        assertFalse(pair.alice.toString().matches(".*[0-9a-f]{16}.*"), pair.alice.toString());
    }
}
