package dev.liaison.gateway.payload;

/** Payload bytes that do not follow docs/protocol.md or exceed a limit. */
public final class MalformedPayloadException extends PayloadException {
    private static final long serialVersionUID = 1L;

    public MalformedPayloadException(String message) {
        super(message);
    }
}
