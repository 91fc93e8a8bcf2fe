package dev.liaison.mapping.alias;

import dev.liaison.mapping.relationship.RelationshipState;

import java.util.Objects;
import java.util.Optional;

/**
 * An alias with what a submission to it must know of its target: for a relationship alias, the
 * relationship's state (empty for any other target, or if the relationship row is gone) and
 * whether it is a legacy correspondent's (plain email, or upgraded from it). Read in one query,
 * because the SMTP path asks this for every recipient, twice.
 */
public record Addressee(Alias alias, Optional<RelationshipState> relationshipState, boolean legacyCorrespondent) {

    public Addressee {
        Objects.requireNonNull(alias, "alias");
        Objects.requireNonNull(relationshipState, "relationshipState");
    }
}
