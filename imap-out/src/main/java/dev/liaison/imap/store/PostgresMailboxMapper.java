package dev.liaison.imap.store;

import org.apache.james.core.Username;
import org.apache.james.mailbox.acl.ACLDiff;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.MailboxExistsException;
import org.apache.james.mailbox.exception.MailboxNotFoundException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxACL;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.UidValidity;
import org.apache.james.mailbox.model.search.MailboxQuery;
import org.apache.james.mailbox.store.mail.MailboxMapper;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Folders in {@code imap.mailbox}. Every lookup by name is keyed by the owner, and no folder is
 * ever shared: {@link #findNonPersonalMailboxes} is always empty and ACL changes are refused, so
 * no spelling of a name can reach another user's folder.
 */
final class PostgresMailboxMapper implements MailboxMapper {

    static final String COLUMNS = "id, namespace, owner, name, uid_validity";
    private static final String UNIQUE_VIOLATION = "23505";

    private final Jdbc jdbc;

    PostgresMailboxMapper(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The UIDVALIDITY James offers (random) is not used: the store gives each owner's new folders
     * increasing values ({@code imap.next_uid_validity}, migration imap V7), so a name deleted and
     * created again gets a greater one (RFC 9051 §2.3.1.1).
     */
    @Override
    public Mono<Mailbox> create(MailboxPath path, UidValidity ignored) {
        return blocking(() -> jdbc.read("create mailbox", c -> insert(c, path)));
    }

    static Mailbox insert(Connection c, MailboxPath path) throws SQLException, MailboxException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO imap.mailbox (namespace, owner, name, uid_validity)"
                + " VALUES (?, ?, ?, imap.next_uid_validity(?)) RETURNING id, uid_validity")) {
            s.setString(1, path.getNamespace());
            s.setString(2, owner(path));
            s.setString(3, path.getName());
            s.setString(4, owner(path));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return new Mailbox(path, UidValidity.of(rs.getLong(2)), StoredMailboxId.of(rs.getLong(1)));
            }
        } catch (SQLException e) {
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw new MailboxExistsException(path.getName());
            }
            throw e;
        }
    }

    /** Moves the folder's whole tree at once ({@link FolderTree}); James's loop over children then finds none. */
    @Override
    public Mono<MailboxId> rename(Mailbox mailbox) {
        return blocking(() -> jdbc.inTransaction("rename mailbox", c -> {
            try {
                FolderTree.rename(c, mailbox);
                return mailbox.getMailboxId();
            } catch (SQLException e) {
                if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    throw new MailboxExistsException(mailbox.getName());
                }
                throw e;
            }
        }));
    }

    @Override
    public Mono<Void> delete(Mailbox mailbox) {
        return blocking(() -> jdbc.read("delete mailbox", c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM imap.mailbox WHERE id = ?")) {
                s.setLong(1, id(mailbox.getMailboxId()));
                s.executeUpdate();
                return null;
            }
        })).then();
    }

    @Override
    public Mono<Mailbox> findMailboxByPath(MailboxPath path) {
        return blocking(() -> jdbc.read("find mailbox", c -> find(c, path).orElse(null)));
    }

    static Optional<Mailbox> find(Connection c, MailboxPath path) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS
                + " FROM imap.mailbox WHERE owner = ? AND namespace = ? AND name = ?")) {
            s.setString(1, owner(path));
            s.setString(2, path.getNamespace());
            s.setString(3, path.getName());
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    @Override
    public Mono<Mailbox> findMailboxById(MailboxId mailboxId) {
        return blocking(() -> jdbc.read("find mailbox", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM imap.mailbox WHERE id = ?")) {
                s.setLong(1, id(mailboxId));
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        throw new MailboxNotFoundException(mailboxId);
                    }
                    return read(rs);
                }
            }
        }));
    }

    /** Nothing is shared between users: there are no mailboxes of others to find. */
    @Override
    public Flux<Mailbox> findNonPersonalMailboxes(Username userName, MailboxACL.Right right) {
        return Flux.empty();
    }

    @Override
    public Flux<Mailbox> findMailboxWithPathLike(MailboxQuery.UserBound query) {
        return blockingMany(() -> jdbc.read("list mailboxes", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM imap.mailbox WHERE owner = ? AND namespace = ? ORDER BY name")) {
                s.setString(1, query.getFixedUser().asString());
                s.setString(2, query.getFixedNamespace());
                return readAll(s, query);
            }
        }));
    }

    private static List<Mailbox> readAll(PreparedStatement s, MailboxQuery query) throws SQLException {
        List<Mailbox> found = new ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                Mailbox mailbox = read(rs);
                if (query == null || query.matches(mailbox)) {
                    found.add(mailbox);
                }
            }
        }
        return found;
    }

    @Override
    public Mono<Boolean> hasChildren(Mailbox mailbox, char delimiter) {
        return blocking(() -> jdbc.read("look for child mailboxes", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM imap.mailbox"
                    + " WHERE owner = ? AND namespace = ? AND starts_with(name, ?))")) {
                s.setString(1, mailbox.getUser().asString());
                s.setString(2, mailbox.getNamespace());
                s.setString(3, mailbox.getName() + delimiter);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return rs.getBoolean(1);
                }
            }
        }));
    }

    /** Refused: folders are private to their owner (issue 5), so rights cannot be granted. */
    @Override
    public Mono<ACLDiff> updateACL(Mailbox mailbox, MailboxACL.ACLCommand command) {
        return Mono.error(new MailboxException("mailboxes are private to their owner; rights cannot be changed"));
    }

    @Override
    public Mono<ACLDiff> setACL(Mailbox mailbox, MailboxACL acl) {
        return Mono.error(new MailboxException("mailboxes are private to their owner; rights cannot be changed"));
    }

    @Override
    public Flux<Mailbox> list() {
        return blockingMany(() -> jdbc.read("list all mailboxes", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM imap.mailbox ORDER BY id")) {
                return readAll(s, null);
            }
        }));
    }

    static Mailbox read(ResultSet rs) throws SQLException {
        MailboxPath path = new MailboxPath(rs.getString("namespace"), Username.of(rs.getString("owner")),
                rs.getString("name"));
        return new Mailbox(path, UidValidity.of(rs.getLong("uid_validity")), StoredMailboxId.of(rs.getLong("id")));
    }

    static long id(MailboxId id) {
        if (id instanceof StoredMailboxId stored) {
            return stored.value();
        }
        throw new IllegalArgumentException("not a mailbox id of this store: " + id);
    }

    private static String owner(MailboxPath path) {
        if (path.getUser() == null) {
            throw new IllegalArgumentException("mailbox path without owner: shared folders do not exist here");
        }
        return path.getUser().asString();
    }

    private static <T> Mono<T> blocking(java.util.concurrent.Callable<T> call) {
        return Mono.fromCallable(call).subscribeOn(Schedulers.boundedElastic());
    }

    private static <T> Flux<T> blockingMany(java.util.concurrent.Callable<List<T>> call) {
        return Mono.fromCallable(call).subscribeOn(Schedulers.boundedElastic()).flatMapIterable(list -> list);
    }
}
