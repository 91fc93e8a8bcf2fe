package dev.liaison.gateway.address;

/** The recipient's signature on a recipient-diversified address does not verify: forged or altered. */
public final class AddressSignatureException extends AddressException {
    private static final long serialVersionUID = 1L;

    public AddressSignatureException(String message) {
        super(message);
    }
}
