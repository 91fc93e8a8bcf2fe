package dev.liaison.gateway.account;

import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.user.Login;
import dev.liaison.mapping.user.PasswordHash;
import dev.liaison.mapping.user.PostgresUserStore;
import dev.liaison.mapping.user.User;
import dev.liaison.mapping.user.UserStore;

import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;

/**
 * Checks a login and password for SMTP AUTH and IMAP LOGIN. Mail clients send the login as typed
 * or as the full address, so {@code Alex} and {@code alex@<domain>} both mean {@code alex}.
 *
 * <p>Every refusal costs one Argon2 verification, whether the login exists, is malformed or is
 * disabled, so timing does not tell an attacker which logins exist. The hash is read in a short
 * transaction and verified after it, so a slow verification never holds a pooled connection.
 * A successful verification is remembered briefly ({@link VerifiedPasswords}), so clients that
 * connect once per message do not pay Argon2 every time.
 */
public final class PasswordAuthentication {

    private final Database db;
    private final String domainSuffix;
    private final UserStore users = new PostgresUserStore();
    private final VerifiedPasswords verified;

    public PasswordAuthentication(Database db, String domain) {
        this(db, domain, java.time.Clock.systemUTC());
    }

    PasswordAuthentication(Database db, String domain, java.time.Clock clock) {
        this.db = db;
        this.domainSuffix = "@" + domain;
        this.verified = new VerifiedPasswords(clock);
    }

    /** The active user with this login and password, or empty (same cost either way). */
    public Optional<User> authenticate(String login, char[] password) throws SQLException {
        Optional<Login> parsed = normalise(login);
        if (parsed.isEmpty()) {
            PasswordHash.verifyDecoy(password);
            return Optional.empty();
        }
        var stored = db.inTransaction(c -> users.find(c, parsed.get())
                .flatMap(user -> users.passwordOf(c, parsed.get()).map(hash -> new Stored(user, hash))));
        if (stored.isEmpty()) {
            PasswordHash.verifyDecoy(password);
            return Optional.empty();
        }
        String canonical = parsed.get().value();
        String hash = stored.get().hash().encoded();
        boolean matches = verified.contains(canonical, hash, password) || stored.get().hash().verify(password);
        if (matches) {
            verified.add(canonical, hash, password);
        }
        return matches && stored.get().user().active() ? Optional.of(stored.get().user()) : Optional.empty();
    }

    /**
     * Whether {@code login} (a canonical login {@link #authenticate} returned) is still an active
     * user: false once disabled or removed. One autocommit read, no password check.
     */
    public boolean isActive(String login) {
        return activeUserId(login).isPresent();
    }

    /**
     * The id of the active user {@code login} names now: ids are never given again, so a user
     * removed and another added with the same login have different ones. One autocommit read.
     */
    public Optional<Long> activeUserId(String login) {
        Optional<Login> parsed = normalise(login);
        return parsed.isEmpty() ? Optional.empty()
                : db.inAutocommit(c -> users.find(c, parsed.get())).filter(User::active).map(User::id);
    }

    private Optional<Login> normalise(String input) {
        if (input == null || input.length() > 320) {
            return Optional.empty();
        }
        String login = input.toLowerCase(Locale.ROOT);
        if (login.endsWith(domainSuffix)) {
            login = login.substring(0, login.length() - domainSuffix.length());
        }
        try {
            return Optional.of(Login.of(login));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private record Stored(User user, PasswordHash hash) {
    }
}
