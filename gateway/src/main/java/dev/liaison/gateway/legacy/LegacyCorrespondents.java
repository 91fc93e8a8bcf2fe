package dev.liaison.gateway.legacy;

import dev.liaison.gateway.mail.CorrespondentIds;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

import dev.liaison.gateway.relationship.RelationshipAliases;
import dev.liaison.mapping.alias.Alias;
import dev.liaison.mapping.alias.AliasAddress;
import dev.liaison.mapping.alias.AliasState;
import dev.liaison.mapping.alias.AliasStore;
import dev.liaison.mapping.alias.AliasTarget;
import dev.liaison.mapping.alias.InvalidAliasException;
import dev.liaison.mapping.alias.LocalPartGenerator;
import dev.liaison.mapping.alias.PostgresAliasStore;
import dev.liaison.mapping.correspondent.LegacyCorrespondent;
import dev.liaison.mapping.correspondent.LegacyCorrespondentStore;
import dev.liaison.mapping.correspondent.LegacyFrom;
import dev.liaison.mapping.correspondent.LegacySentIds;
import dev.liaison.gateway.legacy.delivery.Limits;
import dev.liaison.mapping.relationship.PostgresRelationshipStore;
import dev.liaison.mapping.relationship.Relationship;
import dev.liaison.mapping.relationship.RelationshipState;
import dev.liaison.mapping.relationship.RelationshipStore;
import dev.liaison.mapping.user.Login;

import java.sql.Connection;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Legacy relationships: one per user and plain-email correspondent, each with two aliases of the
 * user's — the correspondent's local alias (what the user writes to, and what the correspondent's
 * mail shows as From) and the user's outward alias towards this correspondent only (what the
 * correspondent sees and writes to), so no two correspondents can link the user's conversations.
 * A stranger who wrote to a published address is answered from that address, which they know; an
 * administrator may choose published addresses over outward aliases ({@code legacy.from}, or per
 * user).
 * Everything happens in the caller's transaction.
 */
public final class LegacyCorrespondents {

    private static final byte[] NO_PROTOCOL_STATE = new byte[0];

    /**
     * How long a correspondent's Message-ID is remembered for threading a reply
     * ({@code mapping.legacy_received_ids}, forgotten by {@code gateway.Bookkeeping}): a year, far
     * longer than nearly every reply takes; a reply to older mail still goes, its {@code In-Reply-To}
     * naming that message by its neutral id, so the correspondent's client may not thread it. A row is
     * about 100 octets: a year of a busy user's plain email is a few megabytes, where kept with the
     * relationship it grew for as long as the correspondence lasted.
     */
    public static final Duration RECEIVED_ID_RETENTION = Duration.ofDays(365);

    private final String domain;
    private final LegacyFrom defaultFrom;
    private final AliasStore aliases = new PostgresAliasStore();
    private final RelationshipStore relationships = new PostgresRelationshipStore();
    private final LegacyCorrespondentStore correspondents = new LegacyCorrespondentStore();
    private final LegacySentIds sentIds = new LegacySentIds();
    private final LocalPartGenerator localParts = new LocalPartGenerator();

    public LegacyCorrespondents(String domain) {
        this(domain, LegacyFrom.OUTWARD);
    }

    /** @param defaultFrom {@code legacy.from}: where users without a choice of their own write from */
    public LegacyCorrespondents(String domain, LegacyFrom defaultFrom) {
        this.domain = domain;
        this.defaultFrom = defaultFrom;
    }

    /** One legacy relationship as the gateway routes it. */
    public record Link(Relationship relationship, LegacyCorrespondent correspondent, Alias peerAlias,
                       Alias outwardAlias) {
    }

    /**
     * A new relationship of {@code owner} with {@code address}, {@code state} REQUESTED (a stranger
     * wrote to the published alias {@code via}) or ACTIVE (the user wrote first, {@code via} empty:
     * their mail leaves from a fresh outward alias, or from their published address if they or
     * the gateway chose so and they have one).
     */
    public Link open(Connection c, Login owner, String address, String peerName, RelationshipState state,
                     Optional<Alias> via) {
        boolean openedByUser = via.isEmpty();
        return open(c, owner, address, peerName, state, openedByUser, openedByUser ? publishedFrom(c, owner) : via);
    }

    /**
     * A new active relationship the user opens by writing to {@code address} first, whose mail client
     * says the message is {@code from} that address. When that is an active published alias of the
     * user's own, the relationship writes from it, as SimpleLogin and addy.io let a user answer from
     * the alias a mailing list or a shop knows: the list takes the post, and the list's confirmation
     * or a helpdesk's answer from an address of their own reaches the user through the published
     * alias's rules (a stranger's mail is a request). Anything else in {@code From} (the login, an
     * outward alias, another user's address, a disabled alias) is no choice: as {@link #open}, a
     * fresh outward alias or the published address the user chose for everyone.
     */
    public Link openByUser(Connection c, Login owner, String address, Optional<String> from) {
        Optional<Alias> named = from.flatMap(f -> ownActivePublished(c, owner, f));
        return open(c, owner, address, address, RelationshipState.ACTIVE, true,
                named.isPresent() ? named : publishedFrom(c, owner));
    }

    private Link open(Connection c, Login owner, String address, String peerName, RelationshipState state,
                      boolean openedByUser, Optional<Alias> answeredFrom) {
        Relationship relationship = relationships.create(c, owner, RelationshipAliases.cleanName(peerName),
                NO_PROTOCOL_STATE);
        relationship = relationships.changeState(c, relationship.id(), state);
        LegacyCorrespondent correspondent = correspondents.create(c, relationship.id(), owner, address,
                answeredFrom.map(Alias::id), openedByUser);
        Alias peer = newAlias(c, owner, LocalPartGenerator.prefixFrom(peerName), new AliasTarget.Relationship(relationship.id()));
        // a stranger already knows the published address they wrote to: answers come from it
        // a neutral prefix: a login's would identify the user and link their correspondents
        Alias outward = answeredFrom.isPresent() ? answeredFrom.get() : newAlias(c, owner,
                LocalPartGenerator.NEUTRAL_PREFIX, new AliasTarget.Outward(relationship.id()));
        return new Link(relationship, correspondent, peer, outward);
    }

    /**
     * The published address the user's first mail to someone leaves from, when the user (or, by
     * default, the gateway) chose published over outward aliases: the oldest active one. Without
     * any, an outward alias still keeps conversations apart.
     */
    private Optional<Alias> publishedFrom(Connection c, Login owner) {
        if (correspondents.fromOf(c, owner).orElse(defaultFrom) != LegacyFrom.PUBLISHED) {
            return Optional.empty();
        }
        return aliases.listOf(c, owner).stream()
                .filter(a -> a.target() instanceof AliasTarget.Published && a.state() == AliasState.ACTIVE)
                .min(java.util.Comparator.comparingLong(Alias::id));
    }

    /**
     * The user's own published alias at {@code address}, if it is active. Never another user's, nor
     * an alias that takes no mail: mail must not leave from an address whose replies are refused.
     */
    private Optional<Alias> ownActivePublished(Connection c, Login owner, String address) {
        AliasAddress parsed;
        try {
            parsed = AliasAddress.parse(address);
        } catch (InvalidAliasException e) {
            return Optional.empty(); // not an address of this gateway's form: the client's own, say
        }
        return aliases.find(c, parsed).filter(a -> a.owner().equals(owner)
                && a.target() instanceof AliasTarget.Published && a.state() == AliasState.ACTIVE);
    }

    /**
     * Lets a new relationship with the correspondent of {@code ended} (a relationship that has ended)
     * be opened: the ended one stays as it was and no longer stands for the address. False if another
     * transaction did so first; {@link #find} gives its new relationship.
     */
    public boolean replace(Connection c, Link ended) {
        if (ended.relationship().state() != RelationshipState.ENDED) {
            throw new IllegalStateException("relationship " + ended.relationship().id() + " is "
                    + ended.relationship().state().dbValue() + ": only an ended relationship is replaced");
        }
        return correspondents.replace(c, ended.relationship().id());
    }

    /** The user's current relationship with {@code address}, if there is one (never one that was replaced). */
    public Optional<Link> find(Connection c, long ownerId, String address) {
        return correspondents.find(c, ownerId, address).map(k -> link(c, k));
    }

    /** The legacy side of a relationship, if it has one. */
    public Optional<Link> ofRelationship(Connection c, long relationshipId) {
        return correspondents.ofRelationship(c, relationshipId).map(k -> link(c, k));
    }

    /** {@link LegacyCorrespondentStore#blocksOwnerOf}: whether the user blocked the local user writing as {@code sender}. */
    public boolean blocksOwnerOf(Connection c, long ownerId, String sender) {
        return correspondents.blocksOwnerOf(c, ownerId, sender);
    }

    /** New requests through the published alias {@code alias} in the last hour. */
    public int recentRequests(Connection c, Alias alias, java.time.Instant now) {
        return correspondents.requestsSince(c, alias.id(), now.minus(java.time.Duration.ofHours(1)));
    }

    /**
     * Remembers the Message-ID a correspondent's plain email came with, if it is one that can be
     * given back; with the posting address of the mailing list that delivered it ({@code List-Post}),
     * a reply to that list gets it back as well: the list knows it, and a client's "Reply List"
     * names it.
     */
    public void received(Connection c, long relationshipId, String messageIdValue, Optional<String> listPost) {
        CorrespondentIds.receivable(messageIdValue).ifPresent(id -> correspondents.rememberReceivedId(c,
                new LegacyCorrespondentStore.Received(relationshipId, CorrespondentIds.neutral(id), id, listPost)));
    }

    /**
     * {@code link} with its correspondent named {@code name} when the relationship knew them by their
     * address only (the user wrote first, to an address without a name): the first of their messages
     * that carries a name gives it, for {@code liaison relationship list} and for their later mail
     * without one. A name the relationship has already is kept.
     */
    public Link named(Connection c, Link link, Optional<String> name) {
        String address = link.correspondent().address();
        if (name.isEmpty() || name.get().equalsIgnoreCase(address)
                || !link.relationship().peerName().equalsIgnoreCase(address)) {
            return link;
        }
        Relationship renamed = relationships.renamePeer(c, link.relationship().id(),
                RelationshipAliases.cleanName(name.get()));
        return new Link(renamed, link.correspondent(), link.peerAlias(), link.outwardAlias());
    }

    /**
     * Of the neutral ids {@code neutrals}, those the user's correspondents' plain email came with:
     * neutral id → as written, per relationship given them back (the author's, and a mailing
     * list's for the posts it delivered).
     */
    public Map<Long, Map<String, String>> receivedIds(Connection c, long ownerId, Collection<String> neutrals) {
        Map<Long, Map<String, String>> found = new HashMap<>();
        for (LegacyCorrespondentStore.ReceivedId id : correspondents.receivedIds(c, ownerId, neutrals)) {
            found.computeIfAbsent(id.relationshipId(), k -> new HashMap<>()).put(id.neutral(), id.original());
        }
        return found;
    }

    /** Remembers the Message-ID of {@code neutralId}, plain email {@code ownerId} is sending now, for reports on it. */
    public void sent(Connection c, long ownerId, String neutralId) {
        sentIds.remember(c, ownerId, neutralId);
    }

    /** Whether one of {@code neutralIds} is that of plain email {@code ownerId} sent, within {@link Limits#SENT_ID_MEMORY}. */
    public boolean sentAny(Connection c, long ownerId, Collection<String> neutralIds) {
        return sentIds.sentAny(c, ownerId, neutralIds, Limits.SENT_ID_MEMORY);
    }

    /** The relationship's state as committed now: one statement, no lock. */
    public RelationshipState state(Connection c, long relationshipId) {
        return relationships.find(c, relationshipId).map(Relationship::state).orElseThrow(() ->
                new IllegalStateException("relationship " + relationshipId + " is gone"));
    }

    /** The relationship, locked for the caller's transaction. */
    public Relationship lock(Connection c, long relationshipId) {
        return relationships.lock(c, relationshipId);
    }

    public Relationship changeState(Connection c, long relationshipId, RelationshipState state) {
        return relationships.changeState(c, relationshipId, state);
    }

    private Link link(Connection c, LegacyCorrespondent correspondent) {
        long id = correspondent.relationshipId();
        Relationship relationship = relationships.find(c, id).orElseThrow(() -> new IllegalStateException(
                "correspondent of relationship " + id + " without its relationship"));
        Alias peer = aliases.findByRelationship(c, id).orElseThrow(() -> new IllegalStateException(
                "legacy relationship " + id + " has no alias"));
        // a stranger is answered from the published alias they wrote to, anyone else from an outward alias
        Alias outward = (correspondent.viaAlias().isPresent() ? aliases.findById(c, correspondent.viaAlias().get())
                : aliases.findOutward(c, id))
                .orElseThrow(() -> new IllegalStateException("legacy relationship " + id + " has no outward alias"));
        return new Link(relationship, correspondent, peer, outward);
    }

    /**
     * 50 random bits per address: a collision is not worth a savepoint per alias; if one happens,
     * the unique violation fails the caller's transaction and its retry draws new addresses.
     */
    private Alias newAlias(Connection c, Login owner, String prefix, AliasTarget target) {
        return aliases.create(c, owner, AliasAddress.of(localParts.generate(prefix), domain), target);
    }
}
