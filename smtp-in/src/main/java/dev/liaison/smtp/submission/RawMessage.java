package dev.liaison.smtp.submission;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The octets of one message. Immutable: it owns its array and never hands it out; readers get a
 * stream, a read-only view or a copy. Equality is by content; {@link #toString()} shows the size
 * only, never the body (STYLE §5, §8).
 */
public final class RawMessage {
    private final byte[] octets;

    private RawMessage(byte[] octets) {
        this.octets = octets;
    }

    /** A message holding a copy of {@code octets}. */
    public static RawMessage copyOf(byte[] octets) {
        return new RawMessage(octets.clone());
    }

    /**
     * Takes ownership of {@code octets} without copying, sparing a copy of a large body on the DATA
     * path. The caller must hold no other reference to the array.
     */
    public static RawMessage adopt(byte[] octets) {
        return new RawMessage(octets);
    }

    public int size() {
        return octets.length;
    }

    public InputStream openStream() {
        return new ByteArrayInputStream(octets);
    }

    public ByteBuffer asReadOnlyBuffer() {
        return ByteBuffer.wrap(octets).asReadOnlyBuffer();
    }

    public void writeTo(OutputStream out) throws IOException {
        out.write(octets);
    }

    public byte[] toByteArray() {
        return octets.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RawMessage that && Arrays.equals(octets, that.octets);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(octets);
    }

    @Override
    public String toString() {
        return "RawMessage[" + octets.length + " octets]";
    }
}
