package dev.liaison.gateway.invitation;

/** The inviter's signature over the invitation does not verify: altered or forged. */
public final class InvitationSignatureException extends InvitationException {
    private static final long serialVersionUID = 1L;

    public InvitationSignatureException(String message) {
        super(message);
    }
}
