package dev.liaison.gateway.legacy;

import dev.liaison.mapping.user.Login;
import dev.liaison.mapping.user.PostgresUserStore;
import dev.liaison.mapping.user.User;
import dev.liaison.smtp.address.EmailAddress;

import java.sql.Connection;
import java.util.Optional;

/**
 * {@code postmaster@<domain>} (RFC 5321 §4.5.1), whose mail goes to the INBOX of the user the
 * {@code postmaster} setting names: the MX takes it from the Internet ({@link LegacyInbound}), and
 * submission from this gateway's users, as plain email handed to the MX intake, so both land in the
 * same place. Without the setting, or while that user is not active, there is no such address.
 *
 * @param login the {@code postmaster} setting; empty: not set
 */
public record Postmaster(String domain, Optional<Login> login) {

    /** Whether {@code recipient} is {@code postmaster@} this domain, in any letter case. */
    public boolean named(EmailAddress recipient) {
        return recipient.localPart().equalsIgnoreCase("postmaster") && recipient.domain().equalsIgnoreCase(domain);
    }

    /** The user whose INBOX takes postmaster mail now: the configured one, if that user exists and is active. */
    public Optional<Login> mailbox(Connection c) {
        return login.filter(l -> new PostgresUserStore().find(c, l).filter(User::active).isPresent());
    }
}
