package dev.liaison.mapping.alias;

import dev.liaison.mapping.user.Login;
import dev.liaison.mapping.user.UserState;

import java.time.Instant;
import java.util.Objects;

/**
 * An alias and what the SMTP path needs to decide on it: its owner (and the owner's state),
 * target and state, read in one indexed query.
 */
public record Alias(long id, AliasAddress address, long ownerId, Login owner, UserState ownerState,
                    AliasTarget target, AliasState state, Instant createdAt) {

    public Alias {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(state, "state");
    }

    /** The owner may send to this alias: the alias is active and so is its owner. */
    public boolean usable() {
        return state == AliasState.ACTIVE && ownerState == UserState.ACTIVE;
    }

    /**
     * Mail from others to this alias is filed: the alias is active, whatever the owner's state. A
     * disabled user (who may not log in or send) keeps receiving, on the MX as through the relay,
     * so nothing is lost and enabling the user again gives them all of it.
     */
    public boolean receives() {
        return state == AliasState.ACTIVE;
    }
}
