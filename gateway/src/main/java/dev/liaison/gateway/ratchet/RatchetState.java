package dev.liaison.gateway.ratchet;

import dev.liaison.gateway.Limits;
import dev.liaison.gateway.primitive.AgreementKeyPair;
import dev.liaison.gateway.wire.Bytes;
import dev.liaison.gateway.wire.WireFormatException;
import dev.liaison.gateway.wire.WireReader;
import dev.liaison.gateway.wire.WireWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The state of one end of a Double Ratchet session with header encryption (Signal's specification,
 * section 4), immutable. {@link Ratchet} returns a new state per message; the relay stores it as the
 * versioned bytes of {@link #encode()} in the transaction that moves the message. Keys that are
 * absent before the first exchange are held as empty {@link Bytes} and exposed as {@link Optional}.
 * {@link #toString()} shows counters only, never keys.
 */
public final class RatchetState {
    public static final int FORMAT_VERSION = 1;
    private static final int KEY = 32;

    final AgreementKeyPair sendingRatchetKey;
    final Bytes receivingRatchetKey;
    final Bytes rootKey;
    final Bytes sendingChainKey;
    final Bytes receivingChainKey;
    final Bytes sendingHeaderKey;
    final Bytes receivingHeaderKey;
    final Bytes nextSendingHeaderKey;
    final Bytes nextReceivingHeaderKey;
    final int sendCount;
    final int receiveCount;
    final int previousSendCount;
    final Bytes associatedData;
    final List<SkippedKey> skippedKeys;

    RatchetState(Ratchet.Work work) {
        this.sendingRatchetKey = Objects.requireNonNull(work.sendingRatchetKey);
        this.receivingRatchetKey = work.receivingRatchetKey;
        this.rootKey = work.rootKey;
        this.sendingChainKey = work.sendingChainKey;
        this.receivingChainKey = work.receivingChainKey;
        this.sendingHeaderKey = work.sendingHeaderKey;
        this.receivingHeaderKey = work.receivingHeaderKey;
        this.nextSendingHeaderKey = work.nextSendingHeaderKey;
        this.nextReceivingHeaderKey = work.nextReceivingHeaderKey;
        this.sendCount = work.sendCount;
        this.receiveCount = work.receiveCount;
        this.previousSendCount = work.previousSendCount;
        this.associatedData = work.associatedData;
        this.skippedKeys = List.copyOf(work.skippedKeys.values());
    }

    /**
     * True when this end can send: the acceptor at once, the inviter after the first message; false
     * again only if the sending chain reached {@link Limits#MAX_MESSAGE_NUMBER} messages, until the
     * next message received starts a new chain.
     */
    public boolean canSend() {
        return !sendingChainKey.isEmpty() && sendCount < Limits.MAX_MESSAGE_NUMBER;
    }

    public int sendCount() {
        return sendCount;
    }

    public int receiveCount() {
        return receiveCount;
    }

    public int skippedKeyCount() {
        return skippedKeys.size();
    }

    /** The session's associated data (a hash of both identities and the invitation). */
    public Bytes associatedData() {
        return associatedData;
    }

    public Optional<Bytes> receivingRatchetKey() {
        return receivingRatchetKey.isEmpty() ? Optional.empty() : Optional.of(receivingRatchetKey);
    }

    /**
     * {@code u8 version || 32 DHs private || 32 DHs public || u8 presence flags || optional and fixed
     * keys || u32 Ns || u32 Nr || u32 PN || 32 AD || u32 count || count × (32 HK || u32 N || 32 MK)};
     * the exact layout is in {@code docs/protocol.md}.
     */
    public byte[] encode() {
        WireWriter writer = new WireWriter(512 + skippedKeys.size() * 68)
                .u8(FORMAT_VERSION).bytes(sendingRatchetKey.privateKey()).bytes(sendingRatchetKey.publicKey());
        Bytes[] optional = optionalKeys();
        int flags = 0;
        for (int i = 0; i < optional.length; i++) {
            flags |= optional[i].isEmpty() ? 0 : 1 << i;
        }
        writer.u8(flags);
        for (Bytes key : optional) {
            writer.bytes(key);
        }
        writer.bytes(rootKey).bytes(nextSendingHeaderKey).bytes(nextReceivingHeaderKey)
                .u32(sendCount).u32(receiveCount).u32(previousSendCount).bytes(associatedData)
                .u32(skippedKeys.size());
        for (SkippedKey skipped : skippedKeys) {
            writer.bytes(skipped.headerKey()).u32(skipped.number()).bytes(skipped.messageKey());
        }
        return writer.toByteArray();
    }

    private Bytes[] optionalKeys() {
        return new Bytes[] {receivingRatchetKey, sendingChainKey, receivingChainKey, sendingHeaderKey,
                receivingHeaderKey};
    }

    public static RatchetState decode(byte[] encoded) throws MalformedRatchetStateException {
        try {
            WireReader reader = new WireReader(encoded);
            int version = reader.u8();
            if (version != FORMAT_VERSION) {
                throw new WireFormatException("version " + version + " is not supported (only " + FORMAT_VERSION + ")");
            }
            Ratchet.Work work = new Ratchet.Work();
            work.sendingRatchetKey = new AgreementKeyPair(reader.fixed(KEY, "DHs"), reader.fixed(KEY, "DHs public"));
            int flags = reader.u8();
            if (flags > 0x1f) {
                throw new WireFormatException("unknown presence flags " + flags);
            }
            Bytes[] optional = new Bytes[5];
            for (int i = 0; i < optional.length; i++) {
                optional[i] = (flags & (1 << i)) != 0 ? reader.fixed(KEY, "optional key") : Bytes.empty();
            }
            work.receivingRatchetKey = optional[0];
            work.sendingChainKey = optional[1];
            work.receivingChainKey = optional[2];
            work.sendingHeaderKey = optional[3];
            work.receivingHeaderKey = optional[4];
            work.rootKey = reader.fixed(KEY, "RK");
            work.nextSendingHeaderKey = reader.fixed(KEY, "NHKs");
            work.nextReceivingHeaderKey = reader.fixed(KEY, "NHKr");
            work.sendCount = reader.u32(Limits.MAX_MESSAGE_NUMBER, "Ns");
            work.receiveCount = reader.u32(Limits.MAX_MESSAGE_NUMBER, "Nr");
            work.previousSendCount = reader.u32(Limits.MAX_MESSAGE_NUMBER, "PN");
            work.associatedData = reader.fixed(KEY, "AD");
            readSkipped(reader, work);
            reader.expectEnd("ratchet state");
            checkConsistent(work);
            return new RatchetState(work);
        } catch (WireFormatException e) {
            throw new MalformedRatchetStateException("ratchet state: " + e.getMessage()
                    + "; the stored state is corrupt or from a newer version");
        }
    }

    private static void readSkipped(WireReader reader, Ratchet.Work work) {
        int count = reader.u32(Limits.MAX_SKIPPED_MESSAGE_KEYS_CEILING, "skipped key count");
        for (int i = 0; i < count; i++) {
            Bytes headerKey = reader.fixed(KEY, "skipped header key");
            int number = reader.u32(Limits.MAX_MESSAGE_NUMBER, "skipped message number");
            work.putSkipped(new SkippedKey(headerKey, number, reader.fixed(KEY, "skipped message key")));
            if (work.skippedKeys.size() != i + 1) {
                throw new WireFormatException("skipped key " + number + " is listed twice");
            }
        }
        int chains = work.skippedHeaderKeys().size();
        if (chains > Limits.MAX_SKIPPED_KEY_CHAINS) {
            throw new WireFormatException("skipped keys of " + chains + " chains, over the limit "
                    + Limits.MAX_SKIPPED_KEY_CHAINS);
        }
    }

    /**
     * Only three shapes exist (docs/protocol.md 6.5): the inviter before the first message (no
     * optional key), the acceptor before the first reply (DHr, CKs, HKs), and after a DH ratchet step
     * (all five). Anything else would fail later in a confusing way, or not at all, so it is refused.
     */
    private static void checkConsistent(Ratchet.Work work) {
        boolean sending = !work.sendingChainKey.isEmpty();
        boolean receiving = !work.receivingChainKey.isEmpty();
        require(sending == !work.sendingHeaderKey.isEmpty(), "sending chain key and header key must come together");
        require(receiving == !work.receivingHeaderKey.isEmpty(),
                "receiving chain key and header key must come together");
        require(sending == !work.receivingRatchetKey.isEmpty(),
                "a sending chain exists exactly when the peer's ratchet key is known");
        require(sending || !receiving, "a receiving chain without a sending chain");
        require(sending || work.sendCount == 0, "a send counter of " + work.sendCount + " without a sending chain");
        require(receiving || (work.receiveCount == 0 && work.previousSendCount == 0 && work.skippedKeys.isEmpty()),
                "receive counter, previous chain length or skipped keys without a receiving chain");
    }

    private static void require(boolean condition, String inconsistency) {
        if (!condition) {
            throw new WireFormatException("inconsistent state: " + inconsistency);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RatchetState that && java.util.Arrays.equals(encode(), that.encode());
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(encode());
    }

    @Override
    public String toString() {
        return "RatchetState[sent=" + sendCount + ", received=" + receiveCount + ", previous="
                + previousSendCount + ", skipped=" + skippedKeys.size() + "]";
    }
}
