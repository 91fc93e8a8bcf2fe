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
        List<byte[]> bodies = smallBodies(payload);
        WireWriter writer = new WireWriter(encodedLength(payload, bodies));
        writeTo(payload, bodies, writer);
        return writer.toByteArray();
    }

    /**
     * Writes {@code payload} preceded by its u32 length and followed by zero bytes up to
     * {@code totalLength}: the padded ratchet plaintext in one buffer, with the email body copied
     * exactly once on its way to the cipher.
     */
    public static byte[] encodePadded(Payload payload, java.util.function.IntUnaryOperator totalLengthFor) {
        List<byte[]> bodies = smallBodies(payload);
        int length = encodedLength(payload, bodies);
        int total = totalLengthFor.applyAsInt(length);
        WireWriter writer = new WireWriter(total).u32(length);
        writeTo(payload, bodies, writer);
        return writer.zeros(total - writer.size()).toByteArray();
    }

    /** Bodies of every item except emails, which are written straight from their bytes. */
    private static List<byte[]> smallBodies(Payload payload) {
        List<byte[]> bodies = new ArrayList<>(payload.items().size());
        for (PayloadItem item : payload.items()) {
            bodies.add(item instanceof PayloadItem.Email ? null : body(item));
        }
        return bodies;
    }

    private static int encodedLength(Payload payload, List<byte[]> bodies) {
        int length = 1 + Payload.ID_LENGTH + 2;
        for (int i = 0; i < bodies.size(); i++) {
            length += 6 + bodyLength(payload.items().get(i), bodies.get(i));
        }
        return length;
    }

    private static int bodyLength(PayloadItem item, byte[] body) {
        return item instanceof PayloadItem.Email email ? 5 + email.message().length() : body.length;
    }

    private static void writeTo(Payload payload, List<byte[]> bodies, WireWriter writer) {
        writer.u8(VERSION).bytes(payload.id()).u16(payload.items().size());
        for (int i = 0; i < bodies.size(); i++) {
            PayloadItem item = payload.items().get(i);
            writer.u16(type(item)).u32(bodyLength(item, bodies.get(i)));
            if (item instanceof PayloadItem.Email email) {
                writer.u8(FIELD_VALUE).u32(email.message().length()).bytes(email.message());
            } else {
                writer.bytes(bodies.get(i));
            }
        }
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
        WireWriter writer = new WireWriter(512);
        if (item instanceof PayloadItem.Routes routes) {
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
        return decode(encoded, 0, encoded.length);
    }

    /** Decodes the payload in {@code length} bytes of {@code buffer} from {@code offset}, without copying it first. */
    public static Payload decode(byte[] buffer, int offset, int length) throws PayloadException {
        try {
            WireReader reader = new WireReader(buffer, offset, length);
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
                return new PayloadItem.Email(Bytes.adopt(single(values, "email")));
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
