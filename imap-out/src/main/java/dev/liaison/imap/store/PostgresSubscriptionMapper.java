package dev.liaison.imap.store;

import org.apache.james.core.Username;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.SubscriptionException;
import org.apache.james.mailbox.store.user.SubscriptionMapper;
import org.apache.james.mailbox.store.user.model.Subscription;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/** Subscriptions in {@code imap.subscription}, always keyed by their owner. */
final class PostgresSubscriptionMapper implements SubscriptionMapper {

    private final Jdbc jdbc;

    PostgresSubscriptionMapper(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void save(Subscription subscription) throws SubscriptionException {
        change("INSERT INTO imap.subscription (owner, mailbox) VALUES (?, ?) ON CONFLICT DO NOTHING", subscription);
    }

    @Override
    public void delete(Subscription subscription) throws SubscriptionException {
        change("DELETE FROM imap.subscription WHERE owner = ? AND mailbox = ?", subscription);
    }

    private void change(String sql, Subscription subscription) throws SubscriptionException {
        try {
            jdbc.read("change subscription", c -> {
                try (PreparedStatement s = c.prepareStatement(sql)) {
                    s.setString(1, subscription.getUser().asString());
                    s.setString(2, subscription.getMailbox());
                    return s.executeUpdate();
                }
            });
        } catch (MailboxException e) {
            throw new SubscriptionException(e);
        }
    }

    @Override
    public List<Subscription> findSubscriptionsForUser(Username user) throws SubscriptionException {
        try {
            return jdbc.read("list subscriptions", c -> {
                try (PreparedStatement s = c.prepareStatement(
                        "SELECT mailbox FROM imap.subscription WHERE owner = ? ORDER BY mailbox")) {
                    s.setString(1, user.asString());
                    List<Subscription> found = new ArrayList<>();
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            found.add(new Subscription(user, rs.getString(1)));
                        }
                    }
                    return found;
                }
            });
        } catch (MailboxException e) {
            throw new SubscriptionException(e);
        }
    }
}
