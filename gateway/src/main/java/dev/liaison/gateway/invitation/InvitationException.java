package dev.liaison.gateway.invitation;

/**
 * Parent of every reason an invitation or a key-agreement message is refused. The pending
 * invitation passed in is unchanged whatever the subtype.
 */
public abstract class InvitationException extends Exception {
    private static final long serialVersionUID = 1L;

    protected InvitationException(String message) {
        super(message);
    }
}
