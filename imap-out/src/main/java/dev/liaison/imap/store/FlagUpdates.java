package dev.liaison.imap.store;

import javax.mail.Flags;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.UpdatedFlags;
import org.apache.james.mailbox.store.FlagsUpdateCalculator;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * STORE on a range in one transaction: the rows are locked, the new flags computed, and every
 * changed message gets the same new MODSEQ (RFC 7162 §3.2: one STORE is one change). Unchanged
 * messages keep their MODSEQ, so CONDSTORE clients do not resync them; so do messages whose only
 * change is losing \Recent when a session selects the folder. The folder row is locked before the
 * message rows ({@link Counters}' lock order).
 */
final class FlagUpdates {

    private FlagUpdates() {
    }

    static List<UpdatedFlags> apply(Jdbc jdbc, long mailboxId, FlagsUpdateCalculator calculator, MessageRange range)
            throws MailboxException {
        return apply(jdbc, mailboxId, calculator, range, Optional.empty());
    }

    /**
     * As above; under {@code condition} (STORE UNCHANGEDSINCE) a message whose MODSEQ passed it is
     * left as it is and not among the updates, judged on the locked row ({@link UnchangedSince}).
     */
    static List<UpdatedFlags> apply(Jdbc jdbc, long mailboxId, FlagsUpdateCalculator calculator, MessageRange range,
                                    Optional<UnchangedSince> condition) throws MailboxException {
        return jdbc.inTransaction("store flags", c -> {
            List<UpdatedFlags> updates = new ArrayList<>();
            List<UpdatedFlags> changed = new ArrayList<>();
            List<UpdatedFlags> recentOnly = new ArrayList<>();
            Counters.lock(c, mailboxId);
            try (PreparedStatement s = c.prepareStatement("SELECT uid, message_id, modseq, answered, deleted, draft,"
                    + " flagged, recent, seen, keywords FROM imap.message WHERE mailbox_id = ? AND "
                    + UidRanges.condition(range) + " ORDER BY uid FOR UPDATE")) {
                s.setLong(1, mailboxId);
                UidRanges.bind(s, 2, range);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        MessageUid uid = MessageUid.of(rs.getLong("uid"));
                        if (condition.isPresent() && !condition.get().allows(uid, rs.getLong("modseq"))) {
                            continue;
                        }
                        Flags old = MessageRows.flags(rs);
                        Flags updated = calculator.buildNewFlags(old);
                        UpdatedFlags update = UpdatedFlags.builder()
                                .uid(uid)
                                .messageId(StoredMessageId.of(rs.getObject("message_id", UUID.class)))
                                .modSeq(ModSeq.of(rs.getLong("modseq")))
                                .oldFlags(old)
                                .newFlags(updated)
                                .build();
                        if (!UpdatedFlags.flagsChanged(old, updated)) {
                            updates.add(update);
                        } else if (UpdatedFlags.flagsChanged(withoutRecent(old), withoutRecent(updated))) {
                            changed.add(update);
                        } else {
                            recentOnly.add(update);
                        }
                    }
                }
            }
            if (!recentOnly.isEmpty()) {
                writeRecent(c, mailboxId, recentOnly);
                updates.addAll(recentOnly);
            }
            if (!changed.isEmpty()) {
                ModSeq modSeq = Counters.nextModSeq(c, mailboxId);
                write(c, mailboxId, changed, modSeq);
                for (UpdatedFlags u : changed) {
                    updates.add(UpdatedFlags.builder().uid(u.getUid()).messageId(u.getMessageId())
                            .modSeq(modSeq).oldFlags(u.getOldFlags()).newFlags(u.getNewFlags()).build());
                }
            }
            updates.sort(java.util.Comparator.comparing(UpdatedFlags::getUid));
            return updates;
        });
    }

    /** \Recent is session state, not a flag change: it takes no MODSEQ (RFC 7162 §3.1 counts changes clients see). */
    private static Flags withoutRecent(Flags flags) {
        Flags copy = new Flags(flags);
        copy.remove(Flags.Flag.RECENT);
        return copy;
    }

    private static void writeRecent(Connection c, long mailboxId, List<UpdatedFlags> updates) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "UPDATE imap.message SET recent = ? WHERE mailbox_id = ? AND uid = ?")) {
            for (UpdatedFlags u : updates) {
                s.setBoolean(1, u.getNewFlags().contains(Flags.Flag.RECENT));
                s.setLong(2, mailboxId);
                s.setLong(3, u.getUid().asLong());
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    private static void write(Connection c, long mailboxId, List<UpdatedFlags> changed, ModSeq modSeq)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE imap.message SET modseq = ?, answered = ?, deleted = ?,"
                + " draft = ?, flagged = ?, recent = ?, seen = ?, keywords = ? WHERE mailbox_id = ? AND uid = ?")) {
            for (UpdatedFlags u : changed) {
                s.setLong(1, modSeq.asLong());
                MessageRows.bindFlags(c, s, 2, u.getNewFlags());
                s.setLong(9, mailboxId);
                s.setLong(10, u.getUid().asLong());
                s.addBatch();
            }
            s.executeBatch();
        }
    }
}
