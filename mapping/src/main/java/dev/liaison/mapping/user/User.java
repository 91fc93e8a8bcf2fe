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

    /**
     * The name to show people outside the gateway when the user's mail client gives none: the
     * display name, or none when it is blank or the login itself, as {@code liaison user add}
     * stores it when no {@code --display-name} is given. The login is what the user authenticates
     * with: shown to correspondents, it would tell them the user's SMTP/IMAP account. A name the
     * administrator gave ({@code "Alex"} for {@code alex}) is the user's choice and shown.
     */
    public java.util.Optional<String> shownName() {
        String name = displayName.strip();
        return name.isEmpty() || name.equals(login.value()) ? java.util.Optional.empty()
                : java.util.Optional.of(name);
    }
}
