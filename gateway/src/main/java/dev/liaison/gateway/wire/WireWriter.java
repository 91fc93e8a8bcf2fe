package dev.liaison.gateway.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds the big-endian, length-prefixed layout of {@code docs/protocol.md}. Callers presize it
 * when they know the final length (a 10 KB email), so sealing does not copy the body while growing.
 */
public final class WireWriter {
    private byte[] buffer;
    private int size;

    public WireWriter(int expectedSize) {
        buffer = new byte[Math.max(16, expectedSize)];
    }

    public WireWriter u8(int value) {
        ensure(1);
        buffer[size++] = (byte) value;
        return this;
    }

    public WireWriter u16(int value) {
        if (value < 0 || value > 0xffff) {
            throw new IllegalArgumentException("u16 out of range: " + value);
        }
        ensure(2);
        buffer[size++] = (byte) (value >>> 8);
        buffer[size++] = (byte) value;
        return this;
    }

    public WireWriter u32(long value) {
        if (value < 0 || value > 0xffffffffL) {
            throw new IllegalArgumentException("u32 out of range: " + value);
        }
        ensure(4);
        for (int shift = 24; shift >= 0; shift -= 8) {
            buffer[size++] = (byte) (value >>> shift);
        }
        return this;
    }

    public WireWriter u64(long value) {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            buffer[size++] = (byte) (value >>> shift);
        }
        return this;
    }

    public WireWriter bytes(byte[] value) {
        return bytes(value, 0, value.length);
    }

    public WireWriter bytes(byte[] value, int offset, int length) {
        ensure(length);
        System.arraycopy(value, offset, buffer, size, length);
        size += length;
        return this;
    }

    public WireWriter bytes(Bytes value) {
        ensure(value.length());
        value.copyTo(buffer, size);
        size += value.length();
        return this;
    }

    public WireWriter shortField(byte[] value) {
        return u16(value.length).bytes(value);
    }

    public WireWriter longField(byte[] value) {
        return u32(value.length).bytes(value);
    }

    public WireWriter utf8(String value) {
        byte[] encoded = value.getBytes(StandardCharsets.UTF_8);
        if (encoded.length > 0xff) {
            throw new IllegalArgumentException("string of " + encoded.length + " bytes does not fit a u8 length");
        }
        return u8(encoded.length).bytes(encoded);
    }

    /** Appends {@code count} zero bytes (padding). */
    public WireWriter zeros(int count) {
        ensure(count);
        size += count;
        return this;
    }

    public int size() {
        return size;
    }

    /**
     * The bytes written. When the writer was presized exactly, its buffer is handed over without a
     * copy, so the writer is finished after this call and refuses further writes.
     */
    public byte[] toByteArray() {
        byte[] result = size == buffer.length ? buffer : Arrays.copyOf(buffer, size);
        buffer = null;
        return result;
    }

    private void ensure(int extra) {
        if (buffer == null) {
            throw new IllegalStateException("writer already finished by toByteArray()");
        }
        if (size + extra > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + extra));
        }
    }
}
