package dev.liaison.gateway.invitation;

/** Key-agreement bytes that do not follow docs/protocol.md or exceed a limit. */
public final class MalformedKeyAgreementException extends InvitationException {
    private static final long serialVersionUID = 1L;

    public MalformedKeyAgreementException(String message) {
        super(message);
    }
}
