package dev.liaison.imap.store;

import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.MailboxId;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** How {@link RecentClaims} are kept: taken in the {@code recent} column, remembered per session and folder. */
final class TakenRecent {

    private TakenRecent() {
    }

    /** The messages of {@code folder} that {@code session} took or was shown. */
    static Set<MessageUid> own(MailboxSession session, MailboxId folder) {
        synchronized (session) { // its attributes are a plain map; an IDLE push runs beside the session's commands
            @SuppressWarnings("unchecked")
            Set<MessageUid> own = (Set<MessageUid>) session.getAttributes()
                    .computeIfAbsent("liaison.recent." + folder.serialize(), k -> ConcurrentHashMap.newKeySet());
            return own;
        }
    }

    /**
     * Clears {@code recent} on folder {@code mailboxId}'s messages among {@code uids} (all of them
     * when null) that still have it; returns the UIDs it cleared, the ones this caller took.
     * Committed without waiting for the WAL flush ({@code synchronous_commit} off for this statement's
     * transaction only): it runs before an IDLE push and a SELECT's answer, and a disk flush there
     * doubled a new message's unloaded delivery-to-IDLE time. A claim a crash loses is harmless:
     * every session ends with the server, and \Recent is a hint (RFC 3501 §2.3.2), not the mail.
     * The folder row is locked first ({@link Counters}' lock order): the UPDATE locks its rows in no
     * particular order, and without the folder lock a claim deadlocked with a STORE or MOVE.
     */
    static List<MessageUid> take(Jdbc jdbc, long mailboxId, Collection<MessageUid> uids) throws MailboxException {
        String sql = "UPDATE imap.message SET recent = false"
                + " FROM (SELECT set_config('synchronous_commit', 'off', true)) AS relaxed"
                + " WHERE mailbox_id = ? AND recent"
                + (uids == null ? "" : " AND uid = ANY (?)") + " RETURNING uid";
        return jdbc.inTransaction("take recent messages", c -> {
            Counters.lock(c, mailboxId);
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setLong(1, mailboxId);
                if (uids != null) {
                    java.sql.Array array = c.createArrayOf("bigint", uids.stream().map(MessageUid::asLong).toArray());
                    s.setArray(2, array);
                }
                List<MessageUid> taken = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        taken.add(MessageUid.of(rs.getLong(1)));
                    }
                }
                return taken;
            }
        });
    }

    /** {@link RecentClaims#recentOf} for folder {@code folder} (row id {@code mailboxId}). */
    static Set<MessageUid> recentOf(Jdbc jdbc, long mailboxId, MailboxId folder, Collection<MessageUid> uids,
                                    boolean take, MailboxSession session) throws MailboxException {
        Set<MessageUid> own = own(session, folder);
        Set<MessageUid> recent = new HashSet<>();
        List<MessageUid> unknown = new ArrayList<>();
        for (MessageUid uid : uids) {
            if (own.contains(uid)) {
                recent.add(uid);
            } else {
                unknown.add(uid);
            }
        }
        if (take && !unknown.isEmpty()) {
            List<MessageUid> taken = take(jdbc, mailboxId, unknown);
            own.addAll(taken);
            recent.addAll(taken);
        }
        return recent;
    }
}
