package dev.liaison.gateway.payload;

/** A payload version this implementation does not speak; additions that old peers can skip never change it. */
public final class UnsupportedPayloadVersionException extends PayloadException {
    private static final long serialVersionUID = 1L;

    public UnsupportedPayloadVersionException(String message) {
        super(message);
    }
}
