package dev.liaison.imap.store;

import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.UnsupportedSearchException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.SearchQuery;
import org.apache.james.mailbox.store.search.MessageSearchIndex;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;

/**
 * SEARCH as one SQL query over {@code imap.message}: criteria become a WHERE clause
 * ({@link SearchSql}), text criteria look in the stored decoded text, which a search that needs it
 * first extracts for the folder's messages that have none yet ({@link SearchIndexing}). Why not
 * James's scanning index: it reads every message per search and mis-evaluates SENT* dates and UID
 * sets under NOT/OR (see the defects note).
 */
public final class PostgresMessageSearchIndex implements MessageSearchIndex {

    private final Jdbc jdbc;

    public PostgresMessageSearchIndex(DataSource dataSource) {
        this.jdbc = new Jdbc(dataSource);
    }

    @Override
    public Flux<MessageUid> search(MailboxSession session, Mailbox mailbox, SearchQuery query) throws MailboxException {
        SearchSql where = SearchSql.of(query);
        long mailboxId = PostgresMailboxMapper.id(mailbox.getMailboxId());
        return Mono.fromCallable(() -> {
            if (where.readsText()) {
                SearchIndexing.catchUp(jdbc, mailboxId);
            }
            return jdbc.read("search", c -> uids(c, mailboxId, where));
        }).subscribeOn(Schedulers.boundedElastic()).flatMapIterable(uids -> uids);
    }

    private static List<MessageUid> uids(Connection c, long mailboxId, SearchSql where) throws SQLException {
        // a message that arrived after the catch-up has no text yet: it is left to the next search,
        // as if it had arrived after this one, rather than matching NOT criteria it would not match
        String indexed = where.readsText() ? " AND search_text IS NOT NULL" : "";
        try (PreparedStatement s = c.prepareStatement("SELECT uid FROM imap.message WHERE mailbox_id = ? AND ("
                + where.sql() + ")" + indexed + " ORDER BY uid")) {
            s.setLong(1, mailboxId);
            where.bind(s, 2);
            List<MessageUid> uids = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    uids.add(MessageUid.of(rs.getLong(1)));
                }
            }
            return uids;
        }
    }

    @Override
    public Flux<MessageId> search(MailboxSession session, Collection<MailboxId> mailboxIds, SearchQuery query, long limit)
            throws MailboxException {
        throw new UnsupportedSearchException();
    }

    @Override
    public EnumSet<MailboxManager.SearchCapabilities> getSupportedCapabilities(
            EnumSet<MailboxManager.MessageCapabilities> messageCapabilities) {
        return EnumSet.of(MailboxManager.SearchCapabilities.Text,
                MailboxManager.SearchCapabilities.FullText);
    }
}
