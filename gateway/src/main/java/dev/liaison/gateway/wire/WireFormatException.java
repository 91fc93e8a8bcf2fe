package dev.liaison.gateway.wire;

/**
 * Bytes that do not follow the wire layout: truncated, a length over its limit, trailing bytes.
 * Unchecked because it never escapes a codec: each codec translates it into the malformed-input
 * exception of its own capability, which is the one callers handle.
 */
public final class WireFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public WireFormatException(String message) {
        super(message);
    }
}
