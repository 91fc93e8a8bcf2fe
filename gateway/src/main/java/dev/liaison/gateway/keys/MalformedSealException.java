package dev.liaison.gateway.keys;

/** Too short to hold a format version, a nonce and an authentication tag. */
public final class MalformedSealException extends SealException {
    private static final long serialVersionUID = 1L;

    public MalformedSealException(int length, int minimum) {
        super("sealed data of " + length + " bytes is shorter than the minimum of " + minimum
                + " bytes (version, nonce, tag); the row is damaged, restore it from backup");
    }
}
