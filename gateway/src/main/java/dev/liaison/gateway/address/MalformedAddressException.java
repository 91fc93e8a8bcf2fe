package dev.liaison.gateway.address;

/** Address bytes that do not follow the layout of docs/protocol.md or exceed a limit. */
public final class MalformedAddressException extends AddressException {
    private static final long serialVersionUID = 1L;

    public MalformedAddressException(String message) {
        super(message);
    }
}
