package dev.liaison.gateway.address;

import dev.liaison.gateway.Limits;
import dev.liaison.gateway.wire.WireFormatException;
import dev.liaison.gateway.wire.WireReader;
import dev.liaison.gateway.wire.WireWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * How to reach one end of a relationship through one receiving service: the service's URL, its
 * diversification key at the time of writing, and signed addresses of the recipient at that service.
 * Carried in invitations, key agreements and Particle updates, so a sender never needs I/O to seal.
 */
public record DeliveryRoute(String serviceUrl, DiversificationKey serviceKey, List<SignedAddress> addresses) {

    public DeliveryRoute {
        addresses = List.copyOf(addresses);
        int urlBytes = serviceUrl.getBytes(StandardCharsets.UTF_8).length;
        if (!serviceUrl.startsWith("https://") || urlBytes > Limits.MAX_SERVICE_URL_BYTES) {
            throw new IllegalArgumentException("service URL must be https:// and at most "
                    + Limits.MAX_SERVICE_URL_BYTES + " bytes, got " + urlBytes + " bytes");
        }
        if (addresses.isEmpty() || addresses.size() > Limits.MAX_ADDRESSES_PER_ROUTE) {
            throw new IllegalArgumentException("a route carries 1 to " + Limits.MAX_ADDRESSES_PER_ROUTE
                    + " addresses, got " + addresses.size());
        }
    }

    /** {@code u8-string url || u32 generation || 32 public key || u8 count || count × signed address}. */
    public void writeTo(WireWriter writer) {
        writer.utf8(serviceUrl).u32(serviceKey.generation()).bytes(serviceKey.publicKey()).u8(addresses.size());
        addresses.forEach(address -> address.writeTo(writer));
    }

    public static DeliveryRoute readFrom(WireReader reader) {
        String url = reader.utf8(Limits.MAX_SERVICE_URL_BYTES, "service URL");
        int generation = reader.u32(Integer.MAX_VALUE, "service key generation");
        var publicKey = reader.fixed(32, "service key");
        if (dev.liaison.gateway.primitive.Agreement.isLowOrder(publicKey)) {
            throw new WireFormatException("route: the service key is a low-order point");
        }
        int count = reader.u8();
        if (count < 1 || count > Limits.MAX_ADDRESSES_PER_ROUTE) {
            throw new WireFormatException("route has " + count + " addresses, allowed 1 to "
                    + Limits.MAX_ADDRESSES_PER_ROUTE);
        }
        List<SignedAddress> addresses = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            addresses.add(SignedAddress.readFrom(reader));
        }
        try {
            return new DeliveryRoute(url, new DiversificationKey(generation, publicKey), addresses);
        } catch (IllegalArgumentException e) {
            throw new WireFormatException("route: " + e.getMessage());
        }
    }

    /** {@code u8 count || count × route}, the list form used in every structure that carries routes. */
    public static void writeList(WireWriter writer, List<DeliveryRoute> routes) {
        writer.u8(routes.size());
        routes.forEach(route -> route.writeTo(writer));
    }

    public static List<DeliveryRoute> readList(WireReader reader, int minimum) {
        int count = reader.u8();
        if (count < minimum || count > Limits.MAX_DELIVERY_ROUTES) {
            throw new WireFormatException(count + " routes, allowed " + minimum + " to " + Limits.MAX_DELIVERY_ROUTES);
        }
        List<DeliveryRoute> routes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            routes.add(readFrom(reader));
        }
        return List.copyOf(routes);
    }
}
