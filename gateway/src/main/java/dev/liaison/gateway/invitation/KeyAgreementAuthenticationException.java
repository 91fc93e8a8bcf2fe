package dev.liaison.gateway.invitation;

/** A key agreement whose signature, key confirmation or keys fail: altered, forged or replayed elsewhere. */
public final class KeyAgreementAuthenticationException extends InvitationException {
    private static final long serialVersionUID = 1L;

    public KeyAgreementAuthenticationException(String message) {
        super(message);
    }
}
