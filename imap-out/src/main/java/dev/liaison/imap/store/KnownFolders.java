package dev.liaison.imap.store;

import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxId;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The folder rows one IMAP session looked up in the last {@link #FRESH_NANOS}, by id. James
 * reads the selected folder's row again for every FETCH, STORE, NOOP and IDLE, one round trip
 * each, for an id, owner, name and UIDVALIDITY that do not change while the folder lives
 * (UIDVALIDITY never does; a rename keeps the id). Per session, so no user ever reaches another's
 * entry; every use still passes James's ownership check.
 *
 * <p>What staleness costs, and why it is bounded: this session's own RENAME and DELETE forget
 * everything at once. Another session's or process's rename leaves the old name here for at most
 * {@link #FRESH_NANOS} (commands by id do not use the name); a folder deleted elsewhere is
 * answered for that long as an empty folder rather than NO, which a concurrent delete can cause
 * anyway.
 */
final class KnownFolders {

    static final long FRESH_NANOS = 2_000_000_000L;
    private static final int MOST = 32;
    private static final String ATTRIBUTE = KnownFolders.class.getName();

    private record Entry(Mailbox mailbox, long readAt) {
    }

    private final Map<MailboxId, Entry> byId = new ConcurrentHashMap<>();

    static KnownFolders of(MailboxSession session) {
        return (KnownFolders) session.getAttributes().computeIfAbsent(ATTRIBUTE, any -> new KnownFolders());
    }

    Optional<Mailbox> get(MailboxId id) {
        Entry e = byId.get(id);
        if (e == null || System.nanoTime() - e.readAt() > FRESH_NANOS) {
            return Optional.empty();
        }
        return Optional.of(new Mailbox(e.mailbox())); // James's Mailbox is mutable: each command gets its own
    }

    void remember(Mailbox mailbox) {
        if (byId.size() >= MOST) {
            byId.clear();
        }
        byId.put(mailbox.getMailboxId(), new Entry(new Mailbox(mailbox), System.nanoTime()));
    }

    void forget() {
        byId.clear();
    }
}
