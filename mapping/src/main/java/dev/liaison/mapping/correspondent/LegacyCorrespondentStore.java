package dev.liaison.mapping.correspondent;

import dev.liaison.mapping.database.SqlStates;
import dev.liaison.mapping.user.Login;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code mapping.legacy_correspondents}: one row per legacy relationship; per user and
 * correspondent address one that is current, and any number of ended ones it replaced
 * ({@link #replace}). Every method runs in the caller's transaction.
 */
public final class LegacyCorrespondentStore {

    private static final String COLUMNS = "relationship_id, user_id, address, via_alias, upgraded_at, created_at,"
            + " offered_invitation";
    /** {@link #forgetReceivedIds}' statement. */
    static final String FORGET_RECEIVED_IDS = "DELETE FROM mapping.legacy_received_ids WHERE ctid = ANY (ARRAY(SELECT"
            + " ctid FROM mapping.legacy_received_ids WHERE received_at < ? ORDER BY received_at LIMIT ?))";
    /** Longest invitation kept; a longer header is no invitation of ours. */
    public static final int MAX_OFFER_LENGTH = 8192;

    /**
     * Records the correspondent of {@code relationshipId} (a relationship of {@code owner}), who
     * wrote first or was written to first ({@code openedByUser}).
     * {@link DuplicateCorrespondentException} if {@code owner} already has a current relationship with that
     * address.
     */
    public LegacyCorrespondent create(Connection c, long relationshipId, Login owner, String address,
                                      Optional<Long> viaAlias, boolean openedByUser) {
        String normalised = normalised(address);
        String sql = "INSERT INTO mapping.legacy_correspondents (relationship_id, user_id, address, via_alias, opened_by)"
                + " SELECT ?, id, ?, ?, ? FROM mapping.users WHERE login = ? RETURNING " + COLUMNS;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, relationshipId);
            ps.setString(2, normalised);
            if (viaAlias.isPresent()) {
                ps.setLong(3, viaAlias.get());
            } else {
                ps.setNull(3, Types.BIGINT);
            }
            ps.setString(4, openedByUser ? "user" : "correspondent");
            ps.setString(5, owner.value());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalArgumentException("no user " + owner + " for correspondent " + normalised);
                }
                return read(rs);
            }
        } catch (SQLException e) {
            if (SqlStates.isUniqueViolation(e)) {
                throw new DuplicateCorrespondentException(owner, normalised);
            }
            throw SqlStates.unexpected("recording correspondent " + normalised + " of " + owner, e);
        }
    }

    /** The address {@code owner}'s plain email leaves from, if set for them; empty: the gateway's default. */
    public Optional<LegacyFrom> fromOf(Connection c, Login owner) {
        try (PreparedStatement ps = c.prepareStatement("SELECT legacy_from FROM mapping.users WHERE login = ?")) {
            ps.setString(1, owner.value());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new dev.liaison.mapping.user.UnknownUserException(owner);
                }
                return Optional.ofNullable(rs.getString(1)).map(LegacyFrom::parse);
            }
        } catch (SQLException e) {
            throw SqlStates.unexpected("reading the plain-email address choice of " + owner, e);
        }
    }

    /** Sets (or, with empty, clears back to the gateway's default) the address {@code owner}'s plain email leaves from. */
    public void setFrom(Connection c, Login owner, Optional<LegacyFrom> from) {
        try (PreparedStatement ps = c.prepareStatement("UPDATE mapping.users SET legacy_from = ?, updated_at = now()"
                + " WHERE login = ?")) {
            ps.setString(1, from.map(LegacyFrom::dbValue).orElse(null));
            ps.setString(2, owner.value());
            if (ps.executeUpdate() == 0) {
                throw new dev.liaison.mapping.user.UnknownUserException(owner);
            }
        } catch (SQLException e) {
            throw SqlStates.unexpected("setting the plain-email address choice of " + owner, e);
        }
    }

    /**
     * The owner's current relationship with {@code address}, if any (matched case-insensitively): the
     * one plain email to or from that address belongs to; never one that was {@linkplain #replace replaced}.
     */
    public Optional<LegacyCorrespondent> find(Connection c, long ownerId, String address) {
        return one(c, "SELECT " + COLUMNS + " FROM mapping.legacy_correspondents WHERE user_id = ? AND address = ?"
                        + " AND replaced_at IS NULL", ps -> {
                    ps.setLong(1, ownerId);
                    ps.setString(2, normalised(address));
                }, "looking up correspondent " + address);
    }

    /**
     * Marks the relationship {@code relationshipId} (an ended one) as replaced, so that a new one with
     * the same address may be {@linkplain #create created}; false if it was replaced already (by a
     * transaction that committed while this one waited for the row).
     */
    public boolean replace(Connection c, long relationshipId) {
        try (PreparedStatement ps = c.prepareStatement("UPDATE mapping.legacy_correspondents SET replaced_at = now()"
                + " WHERE relationship_id = ? AND replaced_at IS NULL")) {
            ps.setLong(1, relationshipId);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw SqlStates.unexpected("replacing the correspondent of relationship " + relationshipId, e);
        }
    }

    /** The correspondent of a legacy relationship; empty for a Communicator relationship. */
    public Optional<LegacyCorrespondent> ofRelationship(Connection c, long relationshipId) {
        return one(c, "SELECT " + COLUMNS + " FROM mapping.legacy_correspondents WHERE relationship_id = ?",
                ps -> ps.setLong(1, relationshipId), "looking up the correspondent of relationship " + relationshipId);
    }

    /**
     * The relationships, oldest first, whose plain email leaves from the published alias
     * {@code aliasId} and whose correspondent's replies come to it: not ended and not upgraded (an
     * upgraded one travels over the Communicator transport). A blocked one counts: unblocked, it
     * writes from that address again. At most {@code max}.
     */
    public List<Long> writingFrom(Connection c, long aliasId, int max) {
        try (PreparedStatement ps = c.prepareStatement("SELECT lc.relationship_id FROM mapping.legacy_correspondents lc"
                + " JOIN mapping.relationships r ON r.id = lc.relationship_id WHERE lc.via_alias = ?"
                + " AND lc.upgraded_at IS NULL AND r.state <> 'ended' ORDER BY lc.relationship_id LIMIT ?")) {
            ps.setLong(1, aliasId);
            ps.setInt(2, max);
            try (ResultSet rs = ps.executeQuery()) {
                List<Long> ids = new ArrayList<>();
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
                return ids;
            }
        } catch (SQLException e) {
            throw SqlStates.unexpected("looking up the relationships writing from alias " + aliasId, e);
        }
    }

    /**
     * Whether {@code ownerId} blocked a relationship with any address of the user who owns the alias
     * {@code senderAddress} (a user of this gateway writing as plain email): each published address
     * they write to gets its own outward alias of theirs, so a block by the one address would hold
     * for one published address only, where an outside sender's holds for all. False when no user
     * here owns {@code senderAddress}.
     */
    public boolean blocksOwnerOf(Connection c, long ownerId, String senderAddress) {
        try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM mapping.aliases sender"
                + " JOIN mapping.aliases theirs ON theirs.user_id = sender.user_id"
                + " JOIN mapping.legacy_correspondents lc ON lc.address = theirs.address AND lc.user_id = ?"
                + " JOIN mapping.relationships r ON r.id = lc.relationship_id AND r.state = 'blocked'"
                + " WHERE sender.address = ?)")) {
            ps.setLong(1, ownerId);
            ps.setString(2, senderAddress.strip().toLowerCase(Locale.ROOT));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        } catch (SQLException e) {
            throw SqlStates.unexpected("looking up blocks of the owner of " + senderAddress, e);
        }
    }

    /** Requests that strangers made through the published alias {@code aliasId} since {@code since}. */
    public int requestsSince(Connection c, long aliasId, Instant since) {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM mapping.legacy_correspondents"
                + " WHERE via_alias = ? AND opened_by = 'correspondent' AND created_at >= ?")) {
            ps.setLong(1, aliasId);
            ps.setTimestamp(2, Timestamp.from(since));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw SqlStates.unexpected("counting requests through alias " + aliasId, e);
        }
    }

    /** Keeps (or, with empty, clears) the invitation the correspondent offered. */
    public void offer(Connection c, long relationshipId, Optional<String> invitation) {
        if (invitation.isPresent() && invitation.get().length() > MAX_OFFER_LENGTH) {
            throw new IllegalArgumentException("an offered invitation of " + invitation.get().length()
                    + " characters is over " + MAX_OFFER_LENGTH);
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE mapping.legacy_correspondents SET offered_invitation = ?"
                + " WHERE relationship_id = ?")) {
            ps.setString(1, invitation.orElse(null));
            ps.setLong(2, relationshipId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw SqlStates.unexpected("keeping the invitation offered in relationship " + relationshipId, e);
        }
    }

    /** Marks the relationship as carried by the Communicator transport from {@code at} on. */
    public void markUpgraded(Connection c, long relationshipId, Instant at) {
        try (PreparedStatement ps = c.prepareStatement("UPDATE mapping.legacy_correspondents SET upgraded_at = ?"
                + " WHERE relationship_id = ? AND upgraded_at IS NULL")) {
            ps.setTimestamp(1, Timestamp.from(at));
            ps.setLong(2, relationshipId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw SqlStates.unexpected("marking relationship " + relationshipId + " upgraded", e);
        }
    }

    /** A Message-ID a correspondent's plain email came with ({@code original}, between the angle brackets) and its neutral form. */
    public record ReceivedId(long relationshipId, String neutral, String original) {
    }

    /**
     * A Message-ID as the MX received it: in {@code relationshipId} (its author's), {@code original}
     * between the angle brackets, and the posting address of the mailing list that delivered it
     * ({@code List-Post}, RFC 2369), if any, which may be given it back as well.
     */
    public record Received(long relationshipId, String neutral, String original, Optional<String> listPost) {
        public Received {
            listPost = listPost.map(LegacyCorrespondentStore::normalised);
        }
    }

    /**
     * Of {@code neutrals}, the ids {@code ownerId}'s relationships are given back, per relationship:
     * each its own, and a list's plain address (the owner's current relationship with it: mail goes
     * through no other) those its posts came with whoever wrote them, as long as the owner received
     * them. One statement: the list's part goes through {@code legacy_received_ids_list_post}.
     */
    static final String RECEIVED_IDS = "SELECT r.relationship_id, r.neutral, r.original"
            + " FROM mapping.legacy_received_ids r JOIN mapping.legacy_correspondents l USING (relationship_id)"
            + " WHERE l.user_id = ? AND r.neutral = ANY (?)"
            + " UNION ALL SELECT list.relationship_id, r.neutral, r.original FROM mapping.legacy_correspondents list"
            + " JOIN mapping.legacy_received_ids r ON r.list_post = list.address AND r.neutral = ANY (?)"
            + " JOIN mapping.legacy_correspondents author ON author.relationship_id = r.relationship_id"
            + " AND author.user_id = list.user_id"
            + " WHERE list.user_id = ? AND list.replaced_at IS NULL";

    /**
     * Whether {@code address} is a mailing list's posting address for {@code ownerId}: a post the
     * owner received named it in {@code List-Post}. Found through {@code legacy_received_ids_list_post}.
     */
    public boolean isListPost(Connection c, long ownerId, String address) {
        try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM mapping.legacy_received_ids r"
                + " JOIN mapping.legacy_correspondents author ON author.relationship_id = r.relationship_id"
                + " WHERE r.list_post = ? AND author.user_id = ?)")) {
            ps.setString(1, address.toLowerCase(java.util.Locale.ROOT));
            ps.setLong(2, ownerId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        } catch (SQLException e) {
            throw SqlStates.unexpected("looking up whether " + address + " is a list of user " + ownerId, e);
        }
    }

    /** Remembers the Message-ID of plain email received; a second time in the same relationship changes nothing. */
    public void rememberReceivedId(Connection c, Received id) {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO mapping.legacy_received_ids"
                + " (relationship_id, neutral, original, list_post) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            ps.setLong(1, id.relationshipId());
            ps.setString(2, id.neutral());
            ps.setString(3, id.original());
            ps.setString(4, id.listPost().orElse(null));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw SqlStates.unexpected("remembering a Message-ID received in relationship " + id.relationshipId(), e);
        }
    }

    /**
     * Which of {@code neutrals} are ids {@code ownerId}'s plain email came with, and for which
     * relationship: the one whose correspondent sent it, and the one with the plain address of the
     * mailing list that delivered it (its {@code List-Post}), which has it already. Never another
     * user's, nor a message of one correspondent's for another (a list's post is the list's too).
     */
    public List<ReceivedId> receivedIds(Connection c, long ownerId, Collection<String> neutrals) {
        if (neutrals.isEmpty()) {
            return List.of();
        }
        try (PreparedStatement ps = c.prepareStatement(RECEIVED_IDS)) {
            Array ids = c.createArrayOf("text", neutrals.toArray());
            ps.setLong(1, ownerId);
            ps.setArray(2, ids);
            ps.setArray(3, ids);
            ps.setLong(4, ownerId);
            List<ReceivedId> found = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(new ReceivedId(rs.getLong(1), rs.getString(2), rs.getString(3)));
                }
            }
            return found;
        } catch (SQLException e) {
            throw SqlStates.unexpected("looking up Message-IDs received by user " + ownerId, e);
        }
    }

    /**
     * Forgets at most {@code max} of the ids received before {@code before}, oldest first; returns how
     * many. Found through {@code legacy_received_ids_received_at} and deleted by row address, so a batch
     * reads only the rows it deletes (rows are never updated: an address read in the statement still
     * names its row). A reply to such a message still goes; its id is given back neutral.
     */
    public int forgetReceivedIds(Connection c, Instant before, int max) {
        try (PreparedStatement ps = c.prepareStatement(FORGET_RECEIVED_IDS)) {
            ps.setTimestamp(1, Timestamp.from(before));
            ps.setInt(2, max);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw SqlStates.unexpected("forgetting Message-IDs received before " + before, e);
        }
    }

    /** Lower-cased and length-checked: the address is compared, never shown from here. */
    static String normalised(String address) {
        String lower = address == null ? "" : address.strip().toLowerCase(Locale.ROOT);
        if (lower.length() < 3 || lower.length() > LegacyCorrespondent.MAX_ADDRESS_LENGTH || lower.indexOf('@') < 1) {
            throw new IllegalArgumentException("invalid correspondent address '" + address + "': use local@domain,"
                    + " at most " + LegacyCorrespondent.MAX_ADDRESS_LENGTH + " characters");
        }
        return lower;
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private static Optional<LegacyCorrespondent> one(Connection c, String sql, Binder binder, String what) {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw SqlStates.unexpected(what, e);
        }
    }

    private static LegacyCorrespondent read(ResultSet rs) throws SQLException {
        long via = rs.getLong(4);
        Optional<Long> viaAlias = rs.wasNull() ? Optional.empty() : Optional.of(via);
        Timestamp upgraded = rs.getTimestamp(5);
        return new LegacyCorrespondent(rs.getLong(1), rs.getLong(2), rs.getString(3), viaAlias,
                Optional.ofNullable(upgraded).map(Timestamp::toInstant), Optional.ofNullable(rs.getString(7)),
                rs.getTimestamp(6).toInstant());
    }
}
