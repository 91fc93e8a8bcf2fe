package dev.liaison.mapping.alias;

/**
 * An alias that is a relationship's (or a legacy correspondent's) is not disabled or removed on
 * its own: the relationship would stay active on both sides, the peer untold, its mail still
 * arriving while the user's replies are refused. The relationship commands do it whole.
 */
public final class RelationshipAliasException extends AliasException {

    public RelationshipAliasException(Alias alias, AliasState refused) {
        super("alias " + alias.address() + " is " + alias.owner() + "'s alias for relationship "
                + alias.target().relationshipId() + " and cannot be " + refused.dbValue() + " on its own; "
                + (refused == AliasState.DISABLED
                ? "to stop its mail until unblocked, run: liaison relationship block --user " + alias.owner() + " "
                + alias.target().relationshipId() + " (or end it for good: liaison relationship end --user "
                + alias.owner() + " " + alias.target().relationshipId() + ")"
                : "to end the relationship (the peer is told, both aliases stop working), run: liaison relationship end"
                + " --user " + alias.owner() + " " + alias.target().relationshipId()));
    }
}
