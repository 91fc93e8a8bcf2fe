package dev.liaison.gateway.keys;

/**
 * The sealed bytes fail authentication: changed, cut short, sealed under another key, or sealed
 * for another row (different associated data). Which of these cannot be told apart, by design.
 */
public final class SealAuthenticationException extends SealException {
    private static final long serialVersionUID = 1L;

    public SealAuthenticationException(int sealedLength, int associatedDataLength) {
        super("sealed data (" + sealedLength + " bytes, " + associatedDataLength + " bytes of associated data)"
                + " does not authenticate under this gateway's key-encryption key: it was changed, truncated,"
                + " sealed for another row, or data-dir/keys/kek was replaced; restore the row or the key from backup");
    }
}
