package dev.liaison.mapping.alias;

/** A relationship is written to through exactly one alias, and this one already has it. */
public final class RelationshipAliasExistsException extends AliasException {

    public RelationshipAliasExistsException(long relationshipId) {
        super("relationship " + relationshipId + " already has an alias (see: liaison alias list); "
                + "a relationship has exactly one");
    }
}
