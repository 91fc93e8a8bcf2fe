package dev.liaison.mapping.relationship;

import java.util.Locale;

/**
 * Where a relationship stands. REQUESTED: a stranger on plain email wrote to a published address
 * and the user has not answered yet. PENDING: an invitation is out, no peer yet. ACTIVE: mail
 * flows. BLOCKED: incoming mail is dropped, submissions refused; can be unblocked. ENDED is final.
 */
public enum RelationshipState {
    REQUESTED, PENDING, ACTIVE, BLOCKED, ENDED;

    public String dbValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RelationshipState fromDb(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
