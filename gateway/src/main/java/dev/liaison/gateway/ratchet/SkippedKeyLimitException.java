package dev.liaison.gateway.ratchet;

/** A message that would skip more message keys than the configured limit. */
public final class SkippedKeyLimitException extends RatchetException {
    private static final long serialVersionUID = 1L;

    public SkippedKeyLimitException(String message) {
        super(message);
    }
}
