package dev.liaison.gateway.ratchet;

import dev.liaison.gateway.Limits;
import dev.liaison.gateway.primitive.Aead;
import dev.liaison.gateway.primitive.Agreement;
import dev.liaison.gateway.primitive.AgreementKeyPair;
import dev.liaison.gateway.primitive.Entropy;
import dev.liaison.gateway.wire.Bytes;
import java.util.LinkedHashMap;
import java.util.Optional;

/**
 * The Double Ratchet with header encryption (Signal's Double Ratchet specification, section 4) as
 * pure functions over {@link RatchetState}: {@link #seal} and {@link #open} work on a private copy
 * and return a new state only on success, so a refused message changes nothing (libsignal's
 * SessionCipher does the same). Header keys are reused across a chain, so headers get a random
 * nonce from {@link Entropy}; message keys are used once, so bodies derive theirs.
 */
public final class Ratchet {
    /** Bytes a ratchet message adds to its plaintext: version, header nonce, encrypted header, body tag. */
    public static final int MESSAGE_OVERHEAD = RatchetMessage.OVERHEAD;
    /**
     * The first bytes of a ratchet message: version, header nonce and encrypted header (§6.1). Only a
     * holder of the header key can make new ones (the header is sealed with AES-GCM); a copy of a
     * message received before has the same.
     */
    public static final int HEADER_PREFIX_LENGTH = RatchetMessage.PREFIX_LENGTH;
    private final Entropy entropy;
    private final int maxSkippedKeys;

    /** A ratchet that keeps at most {@code maxSkippedKeys} skipped keys and skips at most that many at once. */
    public Ratchet(Entropy entropy, int maxSkippedKeys) {
        if (maxSkippedKeys < 0 || maxSkippedKeys > Limits.MAX_SKIPPED_MESSAGE_KEYS_CEILING) {
            throw new IllegalArgumentException("skipped-key limit " + maxSkippedKeys + " outside 0.."
                    + Limits.MAX_SKIPPED_MESSAGE_KEYS_CEILING);
        }
        this.entropy = entropy;
        this.maxSkippedKeys = maxSkippedKeys;
    }

    public Ratchet(Entropy entropy) {
        this(entropy, Limits.DEFAULT_MAX_SKIPPED_MESSAGE_KEYS);
    }

    /** Alice's initialisation (the acceptor, who sends first) from the key agreement's outputs. */
    public RatchetState initiate(SessionSecrets secrets, Bytes peerRatchetKey) throws InvalidRatchetKeyException {
        Work work = new Work();
        work.sendingRatchetKey = Agreement.generate(entropy);
        work.receivingRatchetKey = peerRatchetKey;
        byte[][] derived = RatchetKdf.root(secrets.sharedKey().toByteArray(), dh(work.sendingRatchetKey, peerRatchetKey));
        work.rootKey = Bytes.of(derived[0]);
        work.sendingChainKey = Bytes.of(derived[1]);
        work.nextSendingHeaderKey = Bytes.of(derived[2]);
        work.sendingHeaderKey = secrets.initiatorHeaderKey();
        work.nextReceivingHeaderKey = secrets.responderNextHeaderKey();
        work.associatedData = secrets.associatedData();
        return new RatchetState(work);
    }

    /** Bob's initialisation (the inviter), whose ratchet key pair is the signed prekey. */
    public RatchetState respond(SessionSecrets secrets, AgreementKeyPair ownRatchetKey) {
        Work work = new Work();
        work.sendingRatchetKey = ownRatchetKey;
        work.rootKey = secrets.sharedKey();
        work.nextSendingHeaderKey = secrets.responderNextHeaderKey();
        work.nextReceivingHeaderKey = secrets.initiatorHeaderKey();
        work.associatedData = secrets.associatedData();
        return new RatchetState(work);
    }

    /**
     * Encrypts {@code plaintext}; the returned state must be persisted before the message is sent.
     *
     * @throws IllegalStateException when {@link RatchetState#canSend()} is false: the inviter before
     *     the acceptor's first message, or a sending chain that reached the counter limit
     */
    public SealedMessage seal(RatchetState state, byte[] plaintext) {
        if (state.sendingChainKey.isEmpty()) {
            throw new IllegalStateException("this end has no sending chain yet: the inviter can send only"
                    + " after opening the acceptor's first message");
        }
        if (state.sendCount == Limits.MAX_MESSAGE_NUMBER) {
            throw new IllegalStateException("this sending chain carried " + Limits.MAX_MESSAGE_NUMBER
                    + " messages, the counter limit; this end can send again after the next message it receives"
                    + " starts a new chain");
        }
        Work work = new Work(state);
        byte[][] step = RatchetKdf.chain(work.sendingChainKey.toByteArray());
        work.sendingChainKey = Bytes.of(step[1]);
        MessageHeader header = new MessageHeader(work.sendingRatchetKey.publicKey(), work.previousSendCount,
                work.sendCount);
        work.sendCount++;
        byte[] message = RatchetMessage.seal(work.sendingHeaderKey.toByteArray(), entropy.bytes(Aead.NONCE_LENGTH),
                header, step[0], work.associatedData.toByteArray(), plaintext);
        return new SealedMessage(new RatchetState(work), Bytes.adopt(message));
    }

    /** Decrypts {@code message}; on any exception {@code state} is unchanged and still current. */
    public OpenedMessage open(RatchetState state, byte[] message) throws RatchetException {
        RatchetMessage parsed = RatchetMessage.parse(message);
        byte[] associatedData = state.associatedData.toByteArray();
        Work work = new Work(state);
        Optional<byte[]> fromSkipped = trySkipped(work, parsed, associatedData);
        if (fromSkipped.isPresent()) {
            return new OpenedMessage(new RatchetState(work), Bytes.adopt(fromSkipped.get()));
        }
        MessageHeader header = readHeader(work, parsed, associatedData);
        if (header.number() == Limits.MAX_MESSAGE_NUMBER) {
            throw new MessageNumberLimitException("message number " + header.number() + " is the counter limit,"
                    + " which no conforming sender uses (a chain carries at most " + Limits.MAX_MESSAGE_NUMBER
                    + " messages)");
        }
        skip(work, header.number());
        byte[][] step = RatchetKdf.chain(work.receivingChainKey.toByteArray());
        work.receivingChainKey = Bytes.of(step[1]);
        work.receiveCount++;
        byte[] plaintext = parsed.openBody(step[0], associatedData).orElseThrow(() ->
                new MessageAuthenticationException("message " + header.number() + ": body tag does not verify;"
                        + " the message was altered"));
        return new OpenedMessage(new RatchetState(work), Bytes.adopt(plaintext));
    }

    /** The header under the current receiving header key, or under the next one after a DH ratchet step. */
    private MessageHeader readHeader(Work work, RatchetMessage parsed, byte[] associatedData) throws RatchetException {
        Optional<MessageHeader> current = parsed.openHeader(work.receivingHeaderKey, associatedData);
        if (current.isPresent()) {
            if (current.get().number() < work.receiveCount) {
                throw new DuplicateMessageException("message " + current.get().number() + " of the current chain"
                        + " was already received (next expected " + work.receiveCount + ")");
            }
            return current.get();
        }
        MessageHeader header = parsed.openHeader(work.nextReceivingHeaderKey, associatedData)
                .orElseThrow(() -> new UndecryptableHeaderException("no header key of this session opens the"
                        + " message header: altered, for another session, or too old"));
        skip(work, header.previousChainLength());
        stepRatchet(work, header);
        return header;
    }

    private Optional<byte[]> trySkipped(Work work, RatchetMessage parsed, byte[] associatedData)
            throws RatchetException {
        for (Bytes headerKey : work.skippedHeaderKeys()) {
            Optional<MessageHeader> header = parsed.openHeader(headerKey, associatedData);
            if (header.isEmpty()) {
                continue;
            }
            SkippedKey skipped = work.skippedKeys.remove(new SkipIndex(headerKey, header.get().number()));
            if (skipped != null) {
                return Optional.of(parsed.openBody(skipped.messageKey().toByteArray(), associatedData)
                        .orElseThrow(() -> new MessageAuthenticationException("skipped message "
                                + header.get().number() + ": body tag does not verify; the message was altered")));
            }
            if (!headerKey.equals(work.receivingHeaderKey)) {
                throw new DuplicateMessageException("message " + header.get().number() + " of an earlier chain"
                        + " was already received, or its key was given up");
            }
            return Optional.empty();
        }
        return Optional.empty();
    }

    private void skip(Work work, int until) throws SkippedKeyLimitException {
        if ((long) work.receiveCount + maxSkippedKeys < until) {
            throw new SkippedKeyLimitException("message number " + until + " is " + (until - work.receiveCount)
                    + " past the chain (limit " + maxSkippedKeys + "); refused");
        }
        if (work.receivingChainKey.isEmpty()) {
            return;
        }
        byte[] chainKey = work.receivingChainKey.toByteArray();
        while (work.receiveCount < until) {
            byte[][] step = RatchetKdf.chain(chainKey);
            work.putSkipped(new SkippedKey(work.receivingHeaderKey, work.receiveCount, Bytes.of(step[0])));
            chainKey = step[1];
            work.receiveCount++;
        }
        work.receivingChainKey = Bytes.of(chainKey);
        work.evictOldest(maxSkippedKeys);
        work.evictOldestChains(Limits.MAX_SKIPPED_KEY_CHAINS);
    }

    private void stepRatchet(Work work, MessageHeader header) throws InvalidRatchetKeyException {
        work.previousSendCount = work.sendCount;
        work.sendCount = 0;
        work.receiveCount = 0;
        work.sendingHeaderKey = work.nextSendingHeaderKey;
        work.receivingHeaderKey = work.nextReceivingHeaderKey;
        work.receivingRatchetKey = header.ratchetKey();
        byte[][] receiving = RatchetKdf.root(work.rootKey.toByteArray(), dh(work.sendingRatchetKey, header.ratchetKey()));
        work.receivingChainKey = Bytes.of(receiving[1]);
        work.nextReceivingHeaderKey = Bytes.of(receiving[2]);
        work.sendingRatchetKey = Agreement.generate(entropy);
        byte[][] sending = RatchetKdf.root(receiving[0], dh(work.sendingRatchetKey, header.ratchetKey()));
        work.rootKey = Bytes.of(sending[0]);
        work.sendingChainKey = Bytes.of(sending[1]);
        work.nextSendingHeaderKey = Bytes.of(sending[2]);
    }

    private static byte[] dh(AgreementKeyPair own, Bytes peer) throws InvalidRatchetKeyException {
        return Agreement.agree(own.privateKey(), peer).orElseThrow(() ->
                new InvalidRatchetKeyException("peer ratchet key is a low-order point; message refused"));
    }

    /** A skipped key's index: header key and message number. */
    record SkipIndex(Bytes headerKey, int number) {
    }

    /** The mutable copy a single seal or open works on; never escapes this package. */
    static final class Work {
        AgreementKeyPair sendingRatchetKey;
        Bytes receivingRatchetKey = Bytes.empty();
        Bytes rootKey;
        Bytes sendingChainKey = Bytes.empty();
        Bytes receivingChainKey = Bytes.empty();
        Bytes sendingHeaderKey = Bytes.empty();
        Bytes receivingHeaderKey = Bytes.empty();
        Bytes nextSendingHeaderKey;
        Bytes nextReceivingHeaderKey;
        int sendCount;
        int receiveCount;
        int previousSendCount;
        Bytes associatedData;
        final LinkedHashMap<SkipIndex, SkippedKey> skippedKeys = new LinkedHashMap<>();

        Work() {
        }

        Work(RatchetState state) {
            sendingRatchetKey = state.sendingRatchetKey;
            receivingRatchetKey = state.receivingRatchetKey;
            rootKey = state.rootKey;
            sendingChainKey = state.sendingChainKey;
            receivingChainKey = state.receivingChainKey;
            sendingHeaderKey = state.sendingHeaderKey;
            receivingHeaderKey = state.receivingHeaderKey;
            nextSendingHeaderKey = state.nextSendingHeaderKey;
            nextReceivingHeaderKey = state.nextReceivingHeaderKey;
            sendCount = state.sendCount;
            receiveCount = state.receiveCount;
            previousSendCount = state.previousSendCount;
            associatedData = state.associatedData;
            state.skippedKeys.forEach(this::putSkipped);
        }

        void putSkipped(SkippedKey key) {
            skippedKeys.put(new SkipIndex(key.headerKey(), key.number()), key);
        }

        /** Distinct header keys of the skipped store: usually one or two, so few header trials. */
        java.util.Set<Bytes> skippedHeaderKeys() {
            java.util.LinkedHashSet<Bytes> keys = new java.util.LinkedHashSet<>();
            skippedKeys.keySet().forEach(index -> keys.add(index.headerKey()));
            return keys;
        }

        /**
         * Drops every skipped key of the oldest chains while more than {@code limit} chains have some.
         * Keys are inserted chain by chain as the ratchet steps, so the first key's chain is the oldest.
         */
        void evictOldestChains(int limit) {
            java.util.Set<Bytes> chains = skippedHeaderKeys();
            var oldestFirst = chains.iterator();
            for (int excess = chains.size() - limit; excess > 0; excess--) {
                Bytes oldest = oldestFirst.next();
                skippedKeys.keySet().removeIf(index -> index.headerKey().equals(oldest));
            }
        }

        /** Drops the oldest skipped keys beyond the limit: their messages will never open. */
        void evictOldest(int limit) {
            var iterator = skippedKeys.entrySet().iterator();
            while (skippedKeys.size() > limit && iterator.hasNext()) {
                iterator.next();
                iterator.remove();
            }
        }
    }
}
