package dev.liaison.smtp.authentication;

import java.util.Locale;

/** The DMARC verdict (RFC 7489 §11.2); {@link #keyword()} is its RFC 8601 {@code dmarc=} value. */
public enum DmarcResult {
    /** An aligned SPF or DKIM pass. */
    PASS,
    /** The author domain publishes DMARC and nothing aligned passed. */
    FAIL,
    /** The author domain publishes no DMARC policy. */
    NONE,
    /** The policy could not be fetched now. */
    TEMPERROR,
    /** The published policy is unusable (several records, or no valid {@code p=}). */
    PERMERROR;

    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }
}
