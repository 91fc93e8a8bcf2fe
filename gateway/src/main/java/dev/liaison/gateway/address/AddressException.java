package dev.liaison.gateway.address;

/**
 * Parent of every reason an address cannot be diversified, resolved or trusted. A receiving service
 * maps all of them to the same outward answer (the seed: confirm bytes, not addresses) and counts
 * them against the sending service.
 */
public abstract class AddressException extends Exception {
    private static final long serialVersionUID = 1L;

    protected AddressException(String message) {
        super(message);
    }
}
