package dev.liaison.gateway.envelope;

/**
 * A key agreement envelope that does not open with the signed prekey it was tried with: sealed to
 * another invitation's prekey, or altered on the way. Trying each unused pending invitation in turn
 * is legitimate; none opening it means the envelope is for no open invitation.
 */
public final class UndecryptableKeyAgreementException extends EnvelopeException {
    private static final long serialVersionUID = 1L;

    public UndecryptableKeyAgreementException(String message) {
        super(message);
    }
}
