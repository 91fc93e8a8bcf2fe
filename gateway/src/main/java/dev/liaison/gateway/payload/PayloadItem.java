package dev.liaison.gateway.payload;

import dev.liaison.gateway.Limits;
import dev.liaison.gateway.address.DeliveryRoute;
import dev.liaison.gateway.wire.Bytes;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One typed item of a payload. New item types and new fields are added without changing the
 * payload version: an older peer skips what it does not know (see {@link PayloadCodec}).
 */
public sealed interface PayloadItem {

    /** Type 1: one email as RFC 5322 bytes, exactly as the sender's client submitted it. */
    record Email(Bytes message) implements PayloadItem {
    }

    /**
     * Type 2 (Particle update): the sender's delivery routes now, replacing the ones it sent before;
     * how fresh addresses (each with its expiry) and receiving-service changes travel.
     */
    record Routes(List<DeliveryRoute> routes) implements PayloadItem {
        public Routes {
            routes = List.copyOf(routes);
            if (routes.isEmpty() || routes.size() > Limits.MAX_DELIVERY_ROUTES) {
                throw new IllegalArgumentException("1 to " + Limits.MAX_DELIVERY_ROUTES + " routes, got "
                        + routes.size());
            }
        }
    }

    /** Type 3 (Particle update): the display name the sender wants shown for this relationship. */
    record DisplayName(String name) implements PayloadItem {
        public DisplayName {
            if (name.getBytes(StandardCharsets.UTF_8).length > Limits.MAX_DISPLAY_NAME_BYTES) {
                throw new IllegalArgumentException("display name over " + Limits.MAX_DISPLAY_NAME_BYTES + " bytes");
            }
        }
    }

    /** Type 4: the sender received and stored the payloads with these ids. */
    record Acknowledgement(List<Bytes> payloadIds) implements PayloadItem {
        public Acknowledgement {
            payloadIds = List.copyOf(payloadIds);
            if (payloadIds.isEmpty() || payloadIds.size() > Limits.MAX_ACKNOWLEDGED_PAYLOADS) {
                throw new IllegalArgumentException("1 to " + Limits.MAX_ACKNOWLEDGED_PAYLOADS + " ids, got "
                        + payloadIds.size());
            }
            payloadIds.forEach(id -> {
                if (id.length() != Payload.ID_LENGTH) {
                    throw new IllegalArgumentException("payload ids are " + Payload.ID_LENGTH + " bytes");
                }
            });
        }
    }

    /** Type 5: the sender ended the relationship and will neither send nor accept more. */
    record RelationshipEnded() implements PayloadItem {
    }
}
