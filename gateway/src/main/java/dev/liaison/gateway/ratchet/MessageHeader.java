package dev.liaison.gateway.ratchet;

import dev.liaison.gateway.Limits;
import dev.liaison.gateway.wire.Bytes;
import dev.liaison.gateway.wire.WireReader;
import dev.liaison.gateway.wire.WireWriter;

/** The plaintext header: sender's ratchet public key, previous chain length PN, message number N. */
record MessageHeader(Bytes ratchetKey, int previousChainLength, int number) {
    static final int LENGTH = 40;

    byte[] encode() {
        return new WireWriter(LENGTH).bytes(ratchetKey).u32(previousChainLength).u32(number).toByteArray();
    }

    static MessageHeader decode(byte[] plaintext) {
        WireReader reader = new WireReader(plaintext);
        MessageHeader header = new MessageHeader(reader.fixed(32, "ratchet key"),
                reader.u32(Limits.MAX_MESSAGE_NUMBER, "PN"), reader.u32(Limits.MAX_MESSAGE_NUMBER, "N"));
        reader.expectEnd("header");
        return header;
    }
}
