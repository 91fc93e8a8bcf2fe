package dev.liaison.smtp.authentication;

import java.util.Locale;

/** An SPF verdict (RFC 7208 §2.6); {@link #keyword()} is its RFC 8601 {@code spf=} value. */
public enum SpfResult {
    PASS, FAIL, SOFTFAIL, NEUTRAL, NONE, TEMPERROR, PERMERROR;

    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }
}
