package dev.liaison.gateway.payload;

import dev.liaison.gateway.Limits;
import dev.liaison.gateway.primitive.Entropy;
import dev.liaison.gateway.wire.Bytes;
import java.util.List;

/**
 * What one ratchet message carries: a random id (what acknowledgements refer to) and typed items.
 * {@code skippedItems} counts items of types this version does not know, which decoding dropped.
 */
public record Payload(Bytes id, List<PayloadItem> items, int skippedItems) {
    public static final int ID_LENGTH = 16;

    public Payload {
        items = List.copyOf(items);
        if (id.length() != ID_LENGTH) {
            throw new IllegalArgumentException("payload id is " + ID_LENGTH + " bytes");
        }
        if (items.size() > Limits.MAX_PAYLOAD_ITEMS) {
            throw new IllegalArgumentException(items.size() + " items, over the limit " + Limits.MAX_PAYLOAD_ITEMS);
        }
    }

    public static Payload of(Entropy entropy, List<PayloadItem> items) {
        return new Payload(Bytes.of(entropy.bytes(ID_LENGTH)), items, 0);
    }
}
