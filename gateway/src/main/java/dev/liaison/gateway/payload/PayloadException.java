package dev.liaison.gateway.payload;

/**
 * Parent of every reason a decrypted payload is refused. The plaintext was authentic (the ratchet
 * opened it), so these mean a broken or newer-than-understood peer, never an outside attacker.
 */
public abstract class PayloadException extends Exception {
    private static final long serialVersionUID = 1L;

    protected PayloadException(String message) {
        super(message);
    }
}
