package dev.liaison.gateway.payload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.liaison.gateway.ProtocolFixture;
import dev.liaison.gateway.wire.Bytes;
import dev.liaison.gateway.wire.WireWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class PayloadCodecTest {
    private final ProtocolFixture fixture = new ProtocolFixture("payload");
    private final Bytes email = Bytes.of("From: a@b\r\nSubject: hi\r\n\r\nbody\r\n".getBytes());

    @Test
    void everyItemTypeRoundTrips() throws Exception {
        Payload payload = Payload.of(fixture.entropy, List.of(
                new PayloadItem.Email(email),
                new PayloadItem.Routes(List.of(fixture.route(2), fixture.route(1))),
                new PayloadItem.DisplayName("Alex — running club"),
                new PayloadItem.Acknowledgement(List.of(Bytes.of(new byte[16]), Bytes.of(fixture.entropy.bytes(16)))),
                new PayloadItem.RelationshipEnded()));
        assertEquals(payload, PayloadCodec.decode(PayloadCodec.encode(payload)));
    }

    @Test
    void unknownItemTypesAndFieldTagsAreSkipped() throws Exception {
        byte[] unknownBody = {9, 9, 9};
        byte[] emailBody = new WireWriter(64).u8(7).u32(2).bytes(new byte[] {1, 2})
                .u8(1).u32(email.length()).bytes(email).toByteArray();
        byte[] encoded = new WireWriter(128).u8(1).bytes(new byte[16]).u16(2)
                .u16(999).u32(unknownBody.length).bytes(unknownBody)
                .u16(1).u32(emailBody.length).bytes(emailBody).toByteArray();
        Payload decoded = PayloadCodec.decode(encoded);
        assertEquals(List.of(new PayloadItem.Email(email)), decoded.items());
        assertEquals(1, decoded.skippedItems());
    }

    @Test
    void otherVersionIsRefused() {
        byte[] encoded = PayloadCodec.encode(Payload.of(fixture.entropy, List.of(new PayloadItem.Email(email))));
        encoded[0] = 2;
        assertThrows(UnsupportedPayloadVersionException.class, () -> PayloadCodec.decode(encoded));
    }

    @Test
    void knownItemWithoutItsRequiredFieldIsMalformed() {
        byte[] encoded = new WireWriter(64).u8(1).bytes(new byte[16]).u16(1).u16(1).u32(0).toByteArray();
        assertThrows(MalformedPayloadException.class, () -> PayloadCodec.decode(encoded));
    }

    @Test
    void everyTruncationIsMalformed() {
        byte[] encoded = PayloadCodec.encode(Payload.of(fixture.entropy, List.of(new PayloadItem.Email(email),
                new PayloadItem.DisplayName("x"))));
        for (int length = 0; length < encoded.length; length++) {
            byte[] truncated = java.util.Arrays.copyOf(encoded, length);
            assertThrows(MalformedPayloadException.class, () -> PayloadCodec.decode(truncated), "length " + length);
        }
    }
}
