package dev.liaison.gateway.invitation;

/** Invitation bytes, token or URI that do not follow docs/protocol.md or exceed a limit. */
public final class MalformedInvitationException extends InvitationException {
    private static final long serialVersionUID = 1L;

    public MalformedInvitationException(String message) {
        super(message);
    }
}
