package dev.liaison.gateway.keys;

/**
 * Parent of every reason sealed data does not open. The bytes are not usable: the caller treats
 * the row as damaged (quarantine, alert the operator), never as empty or new state.
 */
public abstract class SealException extends Exception {
    private static final long serialVersionUID = 1L;

    protected SealException(String message) {
        super(message);
    }
}
