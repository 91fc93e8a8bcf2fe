package dev.liaison.gateway.relationship;

import dev.liaison.gateway.mail.Notices;
import dev.liaison.gateway.transport.send.ExpiryListener;
import dev.liaison.gateway.transport.send.UndeliverableEnvelope;
import dev.liaison.imap.delivery.Delivery;
import dev.liaison.imap.delivery.DeliveryException;
import dev.liaison.imap.delivery.MailboxDelivery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;

/**
 * When the sending service gives up on an envelope that carried a user's mail, files a
 * delivery-failure notice (RFC 3464, the original attached) in that user's INBOX, in the
 * transaction that gives up — so the notice is neither lost nor filed twice.
 */
public final class UndeliverableNotices implements ExpiryListener {

    private static final Logger LOG = LoggerFactory.getLogger(UndeliverableNotices.class);

    private final SentMessages sent;
    private final MailboxDelivery mailboxes;
    private final String domain;
    private final Clock clock;

    public UndeliverableNotices(SentMessages sent, MailboxDelivery mailboxes, String domain, Clock clock) {
        this.sent = sent;
        this.mailboxes = mailboxes;
        this.domain = domain;
        this.clock = clock;
    }

    @Override
    public void undeliverable(Connection c, UndeliverableEnvelope envelope) throws SQLException {
        var original = sent.take(c, envelope.id());
        if (original.isEmpty()) {
            return; // a key agreement, keep-alive or end notice: no user mail to report
        }
        boolean expired = envelope.reason() == UndeliverableEnvelope.Reason.EXPIRED;
        String reason = (expired ? "not accepted by the recipient's gateway in time" : "refused by the recipient's gateway")
                + (envelope.lastError().isEmpty() ? "" : " (last error: " + envelope.lastError() + ")");
        Instant now = clock.instant();
        byte[] notice = Notices.undeliverable(domain, original.get().owner() + "@" + domain, original.get().alias(),
                original.get().message(), expired, reason, envelope.enqueuedAt(), now);
        try {
            mailboxes.deliver(c, new Delivery("undeliverable:" + envelope.id().value(), original.get().owner(), "INBOX",
                    notice, false, now));
        } catch (DeliveryException e) {
            throw new SQLException("cannot file the failure notice for " + envelope.id() + ": " + e.getMessage(), e);
        }
        LOG.info("envelope {} to {} undeliverable ({}); its sender was notified", envelope.id(),
                original.get().alias(), envelope.reason());
    }
}
