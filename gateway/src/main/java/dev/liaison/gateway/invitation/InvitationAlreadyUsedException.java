package dev.liaison.gateway.invitation;

/** A second key agreement for a single-use invitation: a replay or a second acceptor. */
public final class InvitationAlreadyUsedException extends InvitationException {
    private static final long serialVersionUID = 1L;

    public InvitationAlreadyUsedException(String message) {
        super(message);
    }
}
