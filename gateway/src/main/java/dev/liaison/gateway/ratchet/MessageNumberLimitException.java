package dev.liaison.gateway.ratchet;

/**
 * A message numbered at the counter limit ({@link dev.liaison.gateway.Limits#MAX_MESSAGE_NUMBER}),
 * which no conforming sender produces: opening it would leave no valid next counter.
 */
public final class MessageNumberLimitException extends RatchetException {
    private static final long serialVersionUID = 1L;

    public MessageNumberLimitException(String message) {
        super(message);
    }
}
