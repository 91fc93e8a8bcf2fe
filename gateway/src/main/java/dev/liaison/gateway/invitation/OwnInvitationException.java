package dev.liaison.gateway.invitation;

/** A user accepting an invitation they issued themselves: it would connect them with themselves. */
public final class OwnInvitationException extends InvitationException {
    private static final long serialVersionUID = 1L;

    public OwnInvitationException(String message) {
        super(message);
    }
}
