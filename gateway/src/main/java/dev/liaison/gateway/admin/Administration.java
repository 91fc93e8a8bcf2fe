package dev.liaison.gateway.admin;

import dev.liaison.imap.store.OwnerRemoval;
import dev.liaison.mapping.alias.Alias;
import dev.liaison.mapping.alias.AliasAddress;
import dev.liaison.mapping.alias.AliasState;
import dev.liaison.mapping.alias.AliasStore;
import dev.liaison.mapping.alias.AliasTarget;
import dev.liaison.mapping.alias.DuplicateAliasException;
import dev.liaison.mapping.alias.LocalPartGenerator;
import dev.liaison.mapping.alias.PostgresAliasStore;
import dev.liaison.mapping.alias.PublishedAliasInUseException;
import dev.liaison.mapping.alias.RelationshipAliasException;
import dev.liaison.mapping.correspondent.LegacyCorrespondentStore;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.relationship.PostgresRelationshipStore;
import dev.liaison.mapping.relationship.RelationshipState;
import dev.liaison.mapping.relationship.RelationshipStore;
import dev.liaison.mapping.user.Login;
import dev.liaison.mapping.user.PasswordHash;
import dev.liaison.mapping.user.PostgresUserStore;
import dev.liaison.mapping.user.UnknownUserException;
import dev.liaison.mapping.user.User;
import dev.liaison.mapping.user.UserState;
import dev.liaison.mapping.user.UserStore;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * What an administrator can do to users and aliases; each method is one transaction. The CLI
 * (and later the HTTP admin API) are thin shells around it.
 */
public final class Administration {

    /** 50 random bits collide about never; three tries turn "about never" into "never". */
    private static final int ALIAS_ATTEMPTS = 3;
    /** Relationships a refusal to disable a published alias names; more are summed up as "and more". */
    private static final int NAMED_RELATIONSHIPS = 10;

    private final Database db;
    private final String domain;
    private final UserStore users = new PostgresUserStore();
    private final AliasStore aliases = new PostgresAliasStore();
    private final RelationshipStore relationships = new PostgresRelationshipStore();
    private final LegacyCorrespondentStore correspondents = new LegacyCorrespondentStore();
    private final LocalPartGenerator localParts = new LocalPartGenerator();

    public Administration(Database db, String domain) {
        this.db = db;
        this.domain = domain;
    }

    public User addUser(Login login, String displayName, char[] password) throws SQLException {
        PasswordHash hash = PasswordHash.create(password); // ~30 ms of CPU: outside the transaction
        return db.inTransaction(c -> {
            User user = users.add(c, login, displayName, hash);
            forgetStrayFolders(c, login);
            return user;
        });
    }

    /**
     * A new user starts with no folders. Folders under a login no user had can only come from a
     * delivery that raced the removal of the login's previous user (it found that user's alias just
     * before the removal committed and made their folders again just after): that mail was the old
     * user's, never the new one's. No store yet (a database only user commands have run on): nothing to forget.
     */
    private static void forgetStrayFolders(Connection c, Login login) throws SQLException {
        try (var s = c.prepareStatement("SELECT to_regclass('imap.mailbox') IS NOT NULL"); var rs = s.executeQuery()) {
            rs.next();
            if (!rs.getBoolean(1)) {
                return;
            }
        }
        new OwnerRemoval().remove(c, login.value());
    }

    public List<User> users() throws SQLException {
        return db.inTransaction(users::list);
    }

    public void changePassword(Login login, char[] password) throws SQLException {
        PasswordHash hash = PasswordHash.create(password);
        db.inTransaction(c -> {
            users.changePassword(c, login, hash);
            return null;
        });
    }

    public User changeUserState(Login login, UserState state) throws SQLException {
        return db.inTransaction(c -> users.changeState(c, login, state));
    }

    /** A new alias for {@code owner} with a prefix derived from the owner's login. */
    public Alias createAlias(Login owner) throws SQLException {
        return createAlias(owner, LocalPartGenerator.prefixFrom(owner.value()));
    }

    /** A new alias for {@code owner} with an administrator's prefix (checked). */
    public Alias createAlias(Login owner, String prefix) throws SQLException {
        return createAlias(owner, prefix, false);
    }

    /**
     * A new mailbox alias for {@code owner}; {@code published}: strangers on plain email may write
     * to it too (through the MX), each new sender's first message becoming a request.
     */
    public Alias createAlias(Login owner, String prefix, boolean published) throws SQLException {
        String checked = LocalPartGenerator.checkedPrefix(prefix == null ? LocalPartGenerator.prefixFrom(owner.value())
                : prefix);
        AliasTarget target = published ? AliasTarget.PUBLISHED : AliasTarget.OWNER_MAILBOX;
        for (int attempt = 1; ; attempt++) {
            AliasAddress address = AliasAddress.of(localParts.generate(checked), domain);
            try {
                return db.inTransaction(c -> aliases.create(c, owner, address, target));
            } catch (DuplicateAliasException e) {
                if (attempt == ALIAS_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    public List<Alias> aliases() throws SQLException {
        return db.inTransaction(aliases::list);
    }

    public List<Alias> aliasesOf(Login owner) throws SQLException {
        return db.inTransaction(c -> {
            if (users.find(c, owner).isEmpty()) {
                throw new UnknownUserException(owner);
            }
            return aliases.listOf(c, owner);
        });
    }

    /**
     * An alias as the administrator sees it: {@code state} is the alias's own unless it is active
     * and belongs to a relationship that is blocked or ended; then it is the relationship's, which
     * decides what becomes of mail to it (an ended relationship's alias keeps its row as
     * {@code active}, yet refuses mail for good).
     */
    public record ListedAlias(Alias alias, String state) {
    }

    /** Every alias ({@code owner} null) or {@code owner}'s, with the state mail to it meets. */
    public List<ListedAlias> listAliases(Login owner) throws SQLException {
        return db.inTransaction(c -> {
            if (owner != null && users.find(c, owner).isEmpty()) {
                throw new UnknownUserException(owner);
            }
            List<Alias> all = owner == null ? aliases.list(c) : aliases.listOf(c, owner);
            return all.stream().map(a -> new ListedAlias(a, shownState(c, a))).toList();
        });
    }

    private String shownState(Connection c, Alias alias) {
        long id = alias.target().relationshipId();
        if (alias.state() != AliasState.ACTIVE || id < 0) {
            return alias.state().dbValue();
        }
        return relationships.find(c, id).map(r -> r.state())
                .filter(s -> s == RelationshipState.ENDED || s == RelationshipState.BLOCKED)
                .map(RelationshipState::dbValue).orElse(alias.state().dbValue());
    }

    /**
     * Enables, disables or removes an alias. A live relationship's alias is refused
     * ({@link RelationshipAliasException}) unless enabled: cutting it off alone would leave the
     * relationship active on both sides and the peer untold ({@code liaison relationship} does it).
     * So is a published alias that live plain-email relationships write from
     * ({@link PublishedAliasInUseException}): mail would go on leaving from an address that refuses
     * the replies.
     */
    public Alias changeAliasState(AliasAddress address, AliasState state) throws SQLException {
        return db.inTransaction(c -> {
            Optional<Alias> current = aliases.find(c, address);
            if (state != AliasState.ACTIVE && current.isPresent() && ofLiveRelationship(c, current.get())) {
                throw new RelationshipAliasException(current.get(), state);
            }
            if (state != AliasState.ACTIVE && current.isPresent()
                    && current.get().target() instanceof AliasTarget.Published) {
                List<Long> writing = correspondents.writingFrom(c, current.get().id(), NAMED_RELATIONSHIPS + 1);
                if (!writing.isEmpty()) {
                    throw new PublishedAliasInUseException(current.get(), state,
                            writing.subList(0, Math.min(writing.size(), NAMED_RELATIONSHIPS)),
                            writing.size() > NAMED_RELATIONSHIPS);
                }
            }
            return aliases.changeState(c, address, state);
        });
    }

    /** An ended relationship's alias no longer carries mail: removing it is tidying up. */
    private boolean ofLiveRelationship(Connection c, Alias alias) {
        long id = alias.target().relationshipId();
        return id >= 0 && relationships.find(c, id).filter(r -> r.state() != RelationshipState.ENDED).isPresent();
    }
}
