package dev.liaison.smtp.authentication;

import java.util.Locale;

/** A policy a domain publishes in {@code p=} / {@code sp=} (RFC 7489 §6.3). */
public enum DmarcAction {
    NONE, QUARANTINE, REJECT;

    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }
}
