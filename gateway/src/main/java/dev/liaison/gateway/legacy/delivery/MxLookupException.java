package dev.liaison.gateway.legacy.delivery;

/** Where a domain's mail goes could not be found; {@link #permanent()} says whether trying later can help. */
public final class MxLookupException extends Exception {

    private final boolean permanent;

    public MxLookupException(String message, boolean permanent) {
        super(message);
        this.permanent = permanent;
    }

    /** True for a domain that does not exist or accepts no mail (RFC 7505 null MX): bounce now. */
    public boolean permanent() {
        return permanent;
    }
}
