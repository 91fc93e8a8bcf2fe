package dev.liaison.gateway.invitation;

/** The invitation's expiry has passed; the inviter must issue a new one. */
public final class ExpiredInvitationException extends InvitationException {
    private static final long serialVersionUID = 1L;

    public ExpiredInvitationException(String message) {
        super(message);
    }
}
