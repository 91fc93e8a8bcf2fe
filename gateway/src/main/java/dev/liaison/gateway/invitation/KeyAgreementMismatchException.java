package dev.liaison.gateway.invitation;

/** A key agreement made for a different invitation than the one it was delivered to. */
public final class KeyAgreementMismatchException extends InvitationException {
    private static final long serialVersionUID = 1L;

    public KeyAgreementMismatchException(String message) {
        super(message);
    }
}
