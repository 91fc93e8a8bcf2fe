package dev.liaison.mapping.user;

import java.time.Instant;
import java.util.Objects;

/** A user as stored; the password hash never leaves the store except for verification. */
public record User(long id, Login login, String displayName, UserState state, Instant createdAt,
                   Instant updatedAt) {

    public User {
        Objects.requireNonNull(login, "login");
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(state, "state");
    }

    public boolean active() {
        return state == UserState.ACTIVE;
    }
}
