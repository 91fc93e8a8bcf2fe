package dev.liaison.smtp.message;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte array with direct copy-out. Unlike {@code ByteArrayOutputStream} it is not
 * synchronized (one SMTP session writes it from one event loop) and copies its content exactly once
 * into the final message instead of through an intermediate {@code toByteArray()}.
 */
final class OctetBuffer {
    private byte[] octets;
    private int size;

    OctetBuffer(int initialCapacity) {
        octets = new byte[initialCapacity];
    }

    void append(byte[] source, int offset, int length) {
        if (size + length > octets.length) {
            octets = Arrays.copyOf(octets, Math.max(size + length, octets.length * 2));
        }
        System.arraycopy(source, offset, octets, size, length);
        size += length;
    }

    void append(OctetBuffer other) {
        append(other.octets, 0, other.size);
    }

    int size() {
        return size;
    }

    void clear() {
        size = 0;
    }

    /** Empties the buffer and lets its memory go (a refused message's octets are never read again). */
    void discard() {
        octets = new byte[0];
        size = 0;
    }

    /** A stream over the current content, without a copy; valid until the buffer changes. */
    InputStream openStream() {
        return new ByteArrayInputStream(octets, 0, size);
    }

    /** Octets {@code from} (inclusive) to {@code to} (exclusive) as ISO-8859-1 text: one char per octet. */
    String text(int from, int to) {
        return new String(octets, from, to - from, StandardCharsets.ISO_8859_1);
    }

    /** The whole content as ISO-8859-1 text. */
    String text() {
        return text(0, size);
    }

    /** Whether the content is 7-bit, or else well-formed UTF-8 (no overlong forms, no surrogates: RFC 3629). */
    boolean isUtf8() {
        int i = 0;
        while (i < size && octets[i] >= 0) {
            i++;
        }
        if (i == size) {
            return true;
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(octets, i, size - i));
            return true;
        } catch (CharacterCodingException notUtf8) {
            return false;
        }
    }

    /** Copies the content to {@code target} at {@code position}; returns the position after it. */
    int copyTo(byte[] target, int position) {
        System.arraycopy(octets, 0, target, position, size);
        return position + size;
    }
}
