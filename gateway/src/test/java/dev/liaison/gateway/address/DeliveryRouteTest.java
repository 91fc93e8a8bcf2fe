package dev.liaison.gateway.address;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.liaison.gateway.ProtocolFixture;
import dev.liaison.gateway.wire.Bytes;
import dev.liaison.gateway.wire.WireFormatException;
import dev.liaison.gateway.wire.WireReader;
import dev.liaison.gateway.wire.WireWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeliveryRouteTest {

    private final ProtocolFixture reed = new ProtocolFixture("reed");

    @Test
    void aRouteRoundTrips() {
        DeliveryRoute route = reed.route(2);
        assertEquals(route, DeliveryRoute.readFrom(new WireReader(encode(route))));
    }

    /** Points of order 1, 2, 4 and 8 (RFC 7748 §6.1; the u-coordinates libsodium blocks). */
    @ParameterizedTest
    @ValueSource(strings = {
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0100000000000000000000000000000000000000000000000000000000000000",
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
        "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"})
    void aPeersRouteWithALowOrderServiceKeyIsMalformedNotAnEncryptionTimeCrash(String lowOrder) {
        DeliveryRoute good = reed.route(1);
        DeliveryRoute hostile = new DeliveryRoute(good.serviceUrl(),
                new DiversificationKey(good.serviceKey().generation(), Bytes.fromHex(lowOrder)), good.addresses());
        var e = assertThrows(WireFormatException.class, () -> DeliveryRoute.readFrom(new WireReader(encode(hostile))));
        assertTrue(e.getMessage().contains("low-order"), e.getMessage());
    }

    private static byte[] encode(DeliveryRoute route) {
        WireWriter writer = new WireWriter(512);
        route.writeTo(writer);
        return writer.toByteArray();
    }
}
