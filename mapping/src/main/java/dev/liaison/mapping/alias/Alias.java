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

    /** Mail to this alias is accepted: the alias is active and so is its owner. */
    public boolean usable() {
        return state == AliasState.ACTIVE && ownerState == UserState.ACTIVE;
    }
}
