package dev.liaison.smtp.address;

/** A path smtp-in will not take, with the reason the reply names. */
public final class AddressRefusedException extends Exception {

    /** Why; each reason maps to one reply. */
    public enum Reason {
        /** Not an RFC 5321 path at all (or empty labels, trailing dot, too long). */
        MALFORMED,
        /** {@code <@relay:user@domain>} (RFC 5321 §4.1.2 / Appendix C): a relay instruction. */
        SOURCE_ROUTE,
        /** {@code <"a@b"@domain>}: hides a second address inside the local part. */
        QUOTED_LOCAL_PART,
        /** {@code <user@[192.0.2.1]>}: names a host, not a domain we serve. */
        ADDRESS_LITERAL,
        /** {@code <user%other@domain>}: the "percent hack", a relay instruction. */
        PERCENT_HACK,
        /** {@code <host!user@domain>}: a UUCP bang path, a relay instruction. */
        BANG_PATH,
        /** Any octet outside ASCII, including Unicode look-alikes (the MX takes a UTF-8 sender with SMTPUTF8). */
        NON_ASCII
    }

    private final Reason reason;

    public AddressRefusedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
