package dev.liaison.gateway.address;

/** The address resolved to a root address no user of this service holds. */
public final class UnknownRootAddressException extends AddressException {
    private static final long serialVersionUID = 1L;

    public UnknownRootAddressException(String message) {
        super(message);
    }
}
