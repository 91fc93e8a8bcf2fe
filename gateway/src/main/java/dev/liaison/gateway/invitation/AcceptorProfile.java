package dev.liaison.gateway.invitation;

import dev.liaison.gateway.Limits;
import dev.liaison.gateway.address.DeliveryRoute;
import dev.liaison.gateway.wire.WireFormatException;
import dev.liaison.gateway.wire.WireReader;
import dev.liaison.gateway.wire.WireWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What the acceptor tells the inviter about itself for this relationship: a display name and its
 * delivery routes (receiving services and signed addresses). Travels inside the key agreement's
 * first ratchet message, so only the inviter reads it.
 */
public record AcceptorProfile(String displayName, List<DeliveryRoute> routes) {

    public AcceptorProfile {
        routes = List.copyOf(routes);
        if (displayName.getBytes(StandardCharsets.UTF_8).length > Limits.MAX_DISPLAY_NAME_BYTES) {
            throw new IllegalArgumentException("display name over " + Limits.MAX_DISPLAY_NAME_BYTES + " bytes");
        }
        if (routes.isEmpty() || routes.size() > Limits.MAX_DELIVERY_ROUTES) {
            throw new IllegalArgumentException("1 to " + Limits.MAX_DELIVERY_ROUTES + " routes, got " + routes.size());
        }
    }

    byte[] encode() {
        WireWriter writer = new WireWriter(1024).utf8(displayName);
        DeliveryRoute.writeList(writer, routes);
        return writer.toByteArray();
    }

    static AcceptorProfile decode(byte[] encoded) {
        WireReader reader = new WireReader(encoded);
        String name = reader.utf8(Limits.MAX_DISPLAY_NAME_BYTES, "display name");
        List<DeliveryRoute> routes = DeliveryRoute.readList(reader, 1);
        reader.expectEnd("acceptor profile");
        try {
            return new AcceptorProfile(name, routes);
        } catch (IllegalArgumentException e) {
            throw new WireFormatException(e.getMessage());
        }
    }
}
