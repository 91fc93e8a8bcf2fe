package dev.liaison.gateway.payload;

import dev.liaison.gateway.Limits;
import dev.liaison.gateway.address.DeliveryRoute;
import dev.liaison.gateway.wire.Bytes;
import dev.liaison.gateway.wire.WireFormatException;
import dev.liaison.gateway.wire.WireReader;
import dev.liaison.gateway.wire.WireWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Payload bytes: {@code u8 version || 16 id || u16 count || count × (u16 type || u32 length || body)},
 * each body a sequence of fields {@code u8 tag || u32 length || value}. Lengths make every item and
 * field skippable, which is the whole compatibility rule: unknown item types and unknown field tags
 * are skipped; a known item missing a required field is malformed.
 */
public final class PayloadCodec {
    public static final int VERSION = 1;
    static final int EMAIL = 1;
    static final int ROUTES = 2;
    static final int DISPLAY_NAME = 3;
    static final int ACKNOWLEDGEMENT = 4;
    static final int RELATIONSHIP_ENDED = 5;
    private static final int FIELD_VALUE = 1;

    private PayloadCodec() {
    }

    public static byte[] encode(Payload payload) {
        int expected = 32 + payload.items().stream().mapToInt(PayloadCodec::sizeHint).sum();
        WireWriter writer = new WireWriter(expected).u8(VERSION).bytes(payload.id()).u16(payload.items().size());
        for (PayloadItem item : payload.items()) {
            byte[] body = body(item);
            writer.u16(type(item)).u32(body.length).bytes(body);
        }
        return writer.toByteArray();
    }

    private static int sizeHint(PayloadItem item) {
        return item instanceof PayloadItem.Email email ? email.message().length() + 16 : 512;
    }

    private static int type(PayloadItem item) {
        if (item instanceof PayloadItem.Email) {
            return EMAIL;
        } else if (item instanceof PayloadItem.Routes) {
            return ROUTES;
        } else if (item instanceof PayloadItem.DisplayName) {
            return DISPLAY_NAME;
        } else if (item instanceof PayloadItem.Acknowledgement) {
            return ACKNOWLEDGEMENT;
        }
        return RELATIONSHIP_ENDED;
    }

    private static byte[] body(PayloadItem item) {
        WireWriter writer = new WireWriter(sizeHint(item));
        if (item instanceof PayloadItem.Email email) {
            field(writer, email.message().toByteArray());
        } else if (item instanceof PayloadItem.Routes routes) {
            for (DeliveryRoute route : routes.routes()) {
                WireWriter encoded = new WireWriter(1024);
                route.writeTo(encoded);
                field(writer, encoded.toByteArray());
            }
        } else if (item instanceof PayloadItem.DisplayName name) {
            field(writer, name.name().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } else if (item instanceof PayloadItem.Acknowledgement ack) {
            ack.payloadIds().forEach(id -> field(writer, id.toByteArray()));
        }
        return writer.toByteArray();
    }

    private static void field(WireWriter writer, byte[] value) {
        writer.u8(FIELD_VALUE).u32(value.length).bytes(value);
    }

    public static Payload decode(byte[] encoded) throws PayloadException {
        try {
            WireReader reader = new WireReader(encoded);
            int version = reader.u8();
            if (version != VERSION) {
                throw new UnsupportedPayloadVersionException("payload version " + version + " is not supported (only "
                        + VERSION + "); the peer must send version " + VERSION + " payloads");
            }
            Bytes id = reader.fixed(Payload.ID_LENGTH, "payload id");
            int count = reader.u16();
            if (count > Limits.MAX_PAYLOAD_ITEMS) {
                throw new WireFormatException(count + " items, over the limit " + Limits.MAX_PAYLOAD_ITEMS);
            }
            List<PayloadItem> items = new ArrayList<>(count);
            int skipped = 0;
            for (int i = 0; i < count; i++) {
                int type = reader.u16();
                WireReader body = reader.slice(reader.u32(Integer.MAX_VALUE, "item length"), "item body");
                if (type < EMAIL || type > RELATIONSHIP_ENDED) {
                    skipped++; // a newer peer's item type: its body need not even be fields
                } else {
                    items.add(item(type, fields(body)));
                }
            }
            reader.expectEnd("payload");
            return new Payload(id, items, skipped);
        } catch (WireFormatException | IllegalArgumentException e) {
            throw new MalformedPayloadException("payload: " + e.getMessage());
        }
    }

    /** The values of field tag 1 in order; other tags are skipped for forward compatibility. */
    private static List<byte[]> fields(WireReader body) {
        List<byte[]> values = new ArrayList<>();
        int seen = 0;
        while (body.remaining() > 0) {
            if (++seen > Limits.MAX_FIELDS_PER_ITEM) {
                throw new WireFormatException("item has more than " + Limits.MAX_FIELDS_PER_ITEM + " fields");
            }
            int tag = body.u8();
            int length = body.u32(Integer.MAX_VALUE, "field length");
            if (tag == FIELD_VALUE) {
                values.add(body.bytes(length, "field value"));
            } else {
                body.skip(length, "unknown field");
            }
        }
        return values;
    }

    /** The decoded item of a known type. */
    private static PayloadItem item(int type, List<byte[]> values) {
        switch (type) {
            case EMAIL:
                return new PayloadItem.Email(Bytes.of(single(values, "email")));
            case ROUTES:
                List<DeliveryRoute> routes = new ArrayList<>(values.size());
                for (byte[] value : values) {
                    WireReader reader = new WireReader(value);
                    routes.add(DeliveryRoute.readFrom(reader));
                    reader.expectEnd("route");
                }
                return new PayloadItem.Routes(routes);
            case DISPLAY_NAME:
                return new PayloadItem.DisplayName(utf8(single(values, "display name")));
            case ACKNOWLEDGEMENT:
                return new PayloadItem.Acknowledgement(values.stream().map(Bytes::of).toList());
            default:
                return new PayloadItem.RelationshipEnded();
        }
    }

    private static byte[] single(List<byte[]> values, String what) {
        if (values.size() != 1) {
            throw new WireFormatException(what + " item has " + values.size() + " values, expected exactly 1");
        }
        return values.get(0);
    }

    private static String utf8(byte[] value) {
        try {
            return java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(value)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new WireFormatException("display name is not valid UTF-8");
        }
    }
}
