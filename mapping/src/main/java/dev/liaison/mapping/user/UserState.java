package dev.liaison.mapping.user;

import java.util.Locale;

/** Whether a user may log in and send. */
public enum UserState {
    ACTIVE, DISABLED;

    public String dbValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static UserState fromDb(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
