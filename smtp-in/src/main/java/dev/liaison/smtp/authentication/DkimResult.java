package dev.liaison.smtp.authentication;

import java.util.Locale;

/**
 * The verdict on one DKIM signature (RFC 8601 §2.7.1); {@link #keyword()} is its {@code dkim=}
 * value. A message without signatures has no {@link DkimCheck} at all ({@code dkim=none}).
 */
public enum DkimResult {
    PASS, FAIL, POLICY, NEUTRAL, TEMPERROR, PERMERROR;

    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }
}
