package dev.liaison.mapping.alias;

import dev.liaison.mapping.user.Login;

import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Aliases, stored in the caller's transaction (methods never commit). */
public interface AliasStore {

    /**
     * Creates an active alias for an existing user. {@link DuplicateAliasException} if the address
     * was ever used; {@link dev.liaison.mapping.user.UnknownUserException} if there is no such user.
     * For a {@link AliasTarget.Relationship} target: {@link RelationshipAliasExistsException} if
     * that relationship already has an alias, and
     * {@link dev.liaison.mapping.relationship.UnknownRelationshipException} if the owner has no such
     * relationship (another user's relationship counts as none).
     */
    Alias create(Connection c, Login owner, AliasAddress address, AliasTarget target);

    /** The SMTP path's lookup: address to owner, target and state, one indexed query. */
    Optional<Alias> find(Connection c, AliasAddress address);

    /**
     * {@link #find} with, for a relationship alias, its relationship's state and whether it is a
     * legacy correspondent's: the submission path's lookup, one query instead of three.
     */
    Optional<Addressee> findAddressee(Connection c, AliasAddress address);

    /** The alias of a relationship (the address its owner writes to the peer through). */
    Optional<Alias> findByRelationship(Connection c, long relationshipId);

    /** The user's outward alias towards a legacy relationship's correspondent, if it has one. */
    Optional<Alias> findOutward(Connection c, long relationshipId);

    /** The alias with this row id. */
    Optional<Alias> findById(Connection c, long id);

    /** Every alias, ordered by owner then address. */
    List<Alias> list(Connection c);

    /** The aliases of one user, ordered by address. */
    List<Alias> listOf(Connection c, Login owner);

    /**
     * The domains other than {@code domain} that aliases in use (active or disabled) are under, most
     * aliases first, with how many: a gateway whose domain changed would no longer answer to them.
     */
    Map<String, Long> domainsOtherThan(Connection c, String domain);

    /** {@link UnknownAliasException}, or {@link RemovedAliasException} for a removed alias. */
    Alias changeState(Connection c, AliasAddress address, AliasState state);
}
