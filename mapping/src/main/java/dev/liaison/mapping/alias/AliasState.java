package dev.liaison.mapping.alias;

import java.util.Locale;

/** Whether mail to an alias is accepted. REMOVED is final. */
public enum AliasState {
    ACTIVE, DISABLED, REMOVED;

    public String dbValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static AliasState fromDb(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
