package dev.liaison.mapping.correspondent;

import java.util.Locale;

/** The address a user's plain email leaves from. */
public enum LegacyFrom {

    /** A fresh alias for each correspondent: no two correspondents can link the user's conversations. */
    OUTWARD("outward"),
    /** The user's published address, for every correspondent (one address people know). */
    PUBLISHED("published");

    private final String dbValue;

    LegacyFrom(String dbValue) {
        this.dbValue = dbValue;
    }

    public String dbValue() {
        return dbValue;
    }

    /** {@code outward} or {@code published}, any case; anything else names the choices. */
    public static LegacyFrom parse(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        for (LegacyFrom f : values()) {
            if (f.dbValue.equals(v)) {
                return f;
            }
        }
        throw new IllegalArgumentException("'" + value + "' is neither 'outward' (an alias per correspondent)"
                + " nor 'published' (the user's published address)");
    }
}
