package dev.liaison.mapping.alias;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A published alias that live plain-email relationships write from (a stranger's request answered
 * from the address they wrote to, every correspondent of a user who chose {@code legacy-from
 * published}, or one the user first wrote to with {@code From:} it) is not disabled or removed while they do: their mail would go on leaving from it
 * while the correspondents' replies to it are refused ({@code 550}). Ending those relationships
 * comes first; the message names them.
 */
public final class PublishedAliasInUseException extends AliasException {

    /**
     * @param relationshipIds the first of those relationships, oldest first
     * @param more            whether there are more than {@code relationshipIds}
     */
    public PublishedAliasInUseException(Alias alias, AliasState refused, List<Long> relationshipIds, boolean more) {
        super("alias " + alias.address() + " is the address " + alias.owner() + " writes from to the plain-email"
                + " correspondents of relationship" + (relationshipIds.size() > 1 || more ? "s " : " ")
                + relationshipIds.stream().map(String::valueOf).collect(Collectors.joining(", ")) + (more ? " and more" : "")
                + ", and where their replies arrive; " + (refused == AliasState.DISABLED ? "disabled" : "removed")
                + ", it would refuse their replies while " + alias.owner() + "'s mail went on leaving from it."
                + " Nothing was changed. End those relationships first (the address then stops for them):"
                + " liaison relationship end --user " + alias.owner() + " <id> (see liaison relationship list --user "
                + alias.owner() + "), then run this again");
    }
}
