package dev.liaison.smtp.dns;

/** A DNS question that got no answer now (timeout, SERVFAIL, budget spent); asking later may work. */
public final class DnsLookupException extends Exception {
    public DnsLookupException(String message) {
        super(message);
    }

    public DnsLookupException(String message, Throwable cause) {
        super(message, cause);
    }
}
