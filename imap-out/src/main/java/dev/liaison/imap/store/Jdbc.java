package dev.liaison.imap.store;

import org.apache.james.mailbox.exception.MailboxException;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * How the store's mappers reach PostgreSQL: one pooled connection per operation, either in
 * autocommit (one statement) or in one transaction (several statements that must agree, such as
 * taking a UID and inserting the message). SQL failures become {@link MailboxException}, which
 * James's processors answer with {@code NO}, so the client may retry.
 */
final class Jdbc {

    private final DataSource dataSource;

    Jdbc(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Work on one connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException, MailboxException;
    }

    <T> T read(String what, Work<T> work) throws MailboxException {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new MailboxException("mailbox store: " + what + " failed: " + e.getMessage(), e);
        }
    }

    <T> T inTransaction(String what, Work<T> work) throws MailboxException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | MailboxException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new MailboxException("mailbox store: " + what + " failed: " + e.getMessage(), e);
        }
    }
}
