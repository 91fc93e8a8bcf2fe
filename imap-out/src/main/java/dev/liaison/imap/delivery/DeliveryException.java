package dev.liaison.imap.delivery;

/** A delivery that cannot be filed; retrying the same delivery fails the same way. */
public abstract sealed class DeliveryException extends Exception permits DeliveryException.Refused {

    DeliveryException(String message) {
        super(message);
    }

    /** The delivery is invalid: the message is too large or the folder name is not acceptable. */
    public static final class Refused extends DeliveryException {
        public Refused(String message) {
            super(message);
        }
    }
}
