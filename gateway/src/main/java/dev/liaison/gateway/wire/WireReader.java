package dev.liaison.gateway.wire;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;

/**
 * Reads the big-endian, length-prefixed layout of {@code docs/protocol.md} from untrusted bytes.
 * Every length is checked against both the caller's limit and the bytes actually present before
 * anything is allocated, so a hostile length field can never make us allocate more than the input.
 */
public final class WireReader {
    private final byte[] input;
    private int position;
    private final int end;

    public WireReader(byte[] input) {
        this(input, 0, input.length);
    }

    public WireReader(byte[] input, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > input.length) {
            throw new IllegalArgumentException("range " + offset + "+" + length + " outside " + input.length);
        }
        this.input = input;
        this.position = offset;
        this.end = offset + length;
    }

    public int remaining() {
        return end - position;
    }

    public int position() {
        return position;
    }

    public int u8() {
        require(1, "u8");
        return input[position++] & 0xff;
    }

    public int u16() {
        require(2, "u16");
        int value = ((input[position] & 0xff) << 8) | (input[position + 1] & 0xff);
        position += 2;
        return value;
    }

    /** A u32 that must not exceed {@code max}; returned as int because every limit fits one. */
    public int u32(long max, String what) {
        require(4, what);
        long value = ((long) (input[position] & 0xff) << 24) | ((input[position + 1] & 0xff) << 16)
                | ((input[position + 2] & 0xff) << 8) | (input[position + 3] & 0xff);
        position += 4;
        if (value > max) {
            throw new WireFormatException(what + " is " + value + ", over the limit " + max);
        }
        return (int) value;
    }

    public long u64() {
        require(8, "u64");
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | (input[position + i] & 0xff);
        }
        position += 8;
        return value;
    }

    /** A u64 count of seconds since 1970-01-01T00:00:00Z, at most {@link dev.liaison.gateway.Limits#MAX_EPOCH_SECOND}. */
    public java.time.Instant instant(String what) {
        long seconds = u64();
        if (seconds < 0 || seconds > dev.liaison.gateway.Limits.MAX_EPOCH_SECOND) {
            throw new WireFormatException(what + " " + Long.toUnsignedString(seconds) + " is past the limit "
                    + dev.liaison.gateway.Limits.MAX_EPOCH_SECOND);
        }
        return java.time.Instant.ofEpochSecond(seconds);
    }

    public byte[] bytes(int length, String what) {
        require(length, what);
        byte[] value = new byte[length];
        System.arraycopy(input, position, value, 0, length);
        position += length;
        return value;
    }

    public Bytes fixed(int length, String what) {
        return Bytes.of(bytes(length, what));
    }

    /** A field prefixed by a u16 length, at most {@code max} bytes. */
    public byte[] shortField(int max, String what) {
        int length = u16();
        if (length > max) {
            throw new WireFormatException(what + " is " + length + " bytes, over the limit " + max);
        }
        return bytes(length, what);
    }

    /** A field prefixed by a u32 length, at most {@code max} bytes. */
    public byte[] longField(int max, String what) {
        return bytes(u32(max, what + " length"), what);
    }

    /** A u8-length-prefixed UTF-8 string, rejecting malformed UTF-8 rather than replacing it. */
    public String utf8(int max, String what) {
        int length = u8();
        if (length > max) {
            throw new WireFormatException(what + " is " + length + " bytes, over the limit " + max);
        }
        require(length, what);
        try {
            String value = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(input, position, length)).toString();
            position += length;
            return value;
        } catch (CharacterCodingException e) {
            throw new WireFormatException(what + " is not valid UTF-8");
        }
    }

    /** A sub-reader over the next {@code length} bytes; this reader skips past them. */
    public WireReader slice(int length, String what) {
        require(length, what);
        WireReader slice = new WireReader(input, position, length);
        position += length;
        return slice;
    }

    public void skip(int length, String what) {
        require(length, what);
        position += length;
    }

    public void expectEnd(String what) {
        if (position != end) {
            throw new WireFormatException(what + " has " + (end - position) + " unexpected trailing bytes");
        }
    }

    private void require(int length, String what) {
        if (length < 0 || length > end - position) {
            throw new WireFormatException(what + " needs " + length + " bytes but only "
                    + (end - position) + " remain");
        }
    }
}
