package dev.liaison.gateway.relationship;

import dev.liaison.gateway.mail.Notices;
import dev.liaison.imap.delivery.Delivery;
import dev.liaison.imap.delivery.DeliveryException;
import dev.liaison.imap.delivery.MailboxDelivery;
import dev.liaison.mapping.alias.Alias;
import dev.liaison.mapping.alias.AliasAddress;
import dev.liaison.mapping.alias.AliasStore;
import dev.liaison.mapping.alias.AliasTarget;
import dev.liaison.mapping.alias.LocalPartGenerator;
import dev.liaison.mapping.alias.PostgresAliasStore;
import dev.liaison.mapping.user.Login;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The face a relationship has in the mail client: its alias (named after the peer, so the user
 * recognises it), the first message that comes from it, and how the peer appears in delivered mail.
 */
public final class RelationshipAliases {

    private static final int REMEMBERED = 8192;

    private final String domain;
    private final MailboxDelivery mailboxes;
    private final AliasStore aliases = new PostgresAliasStore();
    private final LocalPartGenerator localParts = new LocalPartGenerator();
    /** Relationship id → its alias's address; see {@link #addressOf}. */
    private final Map<Long, AliasAddress> addresses = new ConcurrentHashMap<>();

    public RelationshipAliases(String domain, MailboxDelivery mailboxes) {
        this.domain = domain;
        this.mailboxes = mailboxes;
    }

    /**
     * Gives a newly established relationship its alias and files "you are now connected" in the
     * owner's INBOX from it, in the caller's transaction.
     */
    public Alias open(Connection c, Login owner, long relationshipId, String peerName, Instant now)
            throws SQLException, DeliveryException {
        Alias alias = openQuietly(c, owner, relationshipId, peerName);
        connected(c, owner, relationshipId, alias, peerName, now);
        return alias;
    }

    /**
     * Files the "you are now connected" notice {@link #open} files, for a relationship that got its
     * alias {@linkplain #openQuietly quietly} (established while blocked) and is unblocked now: the
     * user learns its alias as from any new relationship. Its delivery id is {@link #open}'s, so it
     * is filed once.
     */
    public void announce(Connection c, Login owner, long relationshipId, String peerName, Instant now)
            throws SQLException, DeliveryException {
        connected(c, owner, relationshipId, of(c, relationshipId), peerName, now);
    }

    private void connected(Connection c, Login owner, long relationshipId, Alias alias, String peerName, Instant now)
            throws SQLException, DeliveryException {
        byte[] notice = Notices.connected(domain, peerName, alias.address().toString(), ownAddress(owner), now);
        mailboxes.deliver(c, new Delivery("connected:" + relationshipId, owner.value(), "INBOX", notice, false, now));
    }

    /**
     * Gives a newly established relationship its alias without a word to the owner: one they
     * blocked while its invitation was out, which stays blocked (a block is silent) but can be
     * unblocked, and then needs its alias.
     */
    public Alias openQuietly(Connection c, Login owner, long relationshipId, String peerName) {
        AliasAddress address = AliasAddress.of(localParts.generate(LocalPartGenerator.prefixFrom(peerName)), domain);
        return aliases.create(c, owner, address, new AliasTarget.Relationship(relationshipId));
    }

    /** Tells the owner once that the legacy relationship {@code relationshipId} is end-to-end encrypted now. */
    public void upgraded(Connection c, Login owner, long relationshipId, String peerName, Instant now)
            throws SQLException, DeliveryException {
        Alias alias = of(c, relationshipId);
        byte[] notice = Notices.upgraded(domain, peerName, alias.address().toString(), ownAddress(owner), now);
        mailboxes.deliver(c, new Delivery("upgraded:" + relationshipId, owner.value(), "INBOX", notice, false, now));
    }

    /** Tells the owner once that the peer ended the relationship {@code relationshipId}. */
    public void ended(Connection c, Login owner, long relationshipId, String peerName, Instant now)
            throws SQLException, DeliveryException {
        String alias = addressOf(c, relationshipId).toString();
        byte[] notice = Notices.ended(domain, peerName, alias, ownAddress(owner), now);
        mailboxes.deliver(c, new Delivery("ended:" + relationshipId, owner.value(), "INBOX", notice, false, now));
    }

    /**
     * The address of a relationship's alias, remembered after the first look-up: every message
     * delivered from the peer names it, and it never changes (an alias row is never deleted nor
     * re-addressed, and a relationship has one alias for good: a unique key). Bounded: cleared
     * when {@value #REMEMBERED} relationships are remembered.
     */
    public AliasAddress addressOf(Connection c, long relationshipId) {
        AliasAddress known = addresses.get(relationshipId);
        if (known != null) {
            return known;
        }
        AliasAddress address = of(c, relationshipId).address();
        if (addresses.size() >= REMEMBERED) {
            addresses.clear();
        }
        addresses.put(relationshipId, address);
        return address;
    }

    public Alias of(Connection c, long relationshipId) {
        return aliases.findByRelationship(c, relationshipId).orElseThrow(() -> new IllegalStateException(
                "relationship " + relationshipId + " has no alias"));
    }

    /** The user's own address on this gateway, as their mail client knows it. */
    public String ownAddress(Login owner) {
        return owner.value() + "@" + domain;
    }

    public String domain() {
        return domain;
    }

    /**
     * The most characters of a name shown in a relationship that a gateway keeps ({@link #cleanName}):
     * a peer's name longer than that is cut on arrival, so a user's own longer name would reach the
     * other side cut.
     */
    public static final int MAX_NAME_CHARS = 100;

    /**
     * A peer-chosen name made safe to store and show: {@link #shownName}, but never blank (a
     * relationship row names its peer somehow; "peer" stands in for a peer that gave no name).
     */
    public static String cleanName(String name) {
        String clean = shownName(name);
        return clean.isEmpty() ? "peer" : clean;
    }

    /**
     * A name without control characters, stripped, at most {@link #MAX_NAME_CHARS} characters;
     * empty if there is none. A user's own name is sent as this: a user with no name to show sends
     * none (as {@link dev.liaison.mapping.user.User#shownName} and plain email's From do), and the
     * other side shows its alias for them, not a made-up "peer" that reads like the user's choice.
     */
    /**
     * A user's own name as a relationship carries it: {@link #shownName}, cut on a character
     * boundary to the {@link dev.liaison.gateway.Limits#MAX_DISPLAY_NAME_BYTES} of UTF-8 the
     * protocol allows (docs/protocol.md). For names the user did not type for this (a display name
     * taken by default, a mail client's From name): shortened, never a reason to fail. A name typed
     * for it ({@code invite --name}) is checked before and refused when too long.
     */
    public static String ownName(String name) {
        String clean = shownName(name);
        int end = 0;
        int octets = 0;
        while (end < clean.length()) {
            int codePoint = clean.codePointAt(end);
            octets += codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
            if (octets > dev.liaison.gateway.Limits.MAX_DISPLAY_NAME_BYTES) {
                break;
            }
            end += Character.charCount(codePoint);
        }
        return clean.substring(0, end).strip();
    }

    public static String shownName(String name) {
        String clean = name == null ? "" : name.codePoints().filter(cp -> !Character.isISOControl(cp))
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString().strip();
        if (clean.codePointCount(0, clean.length()) > MAX_NAME_CHARS) {
            clean = clean.substring(0, clean.offsetByCodePoints(0, MAX_NAME_CHARS)).strip(); // never half a surrogate pair
        }
        return clean;
    }
}
