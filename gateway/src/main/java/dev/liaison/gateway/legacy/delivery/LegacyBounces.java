package dev.liaison.gateway.legacy.delivery;

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
import java.util.Optional;

/**
 * When the legacy queue gives up on a message (refused with 5yz, or not accepted before it
 * expired), files the same RFC 3464 failure notice the relay files, with the signed original
 * attached, in the sending user's INBOX — in the transaction that gives up, so the notice is
 * neither lost nor filed twice (the {@link ExpiryListener} contract).
 */
final class LegacyBounces implements ExpiryListener {

    private static final Logger LOG = LoggerFactory.getLogger(LegacyBounces.class);

    private final OutboundMailStore mails;
    private final MailboxDelivery mailboxes;
    private final String domain;
    private final Clock clock;

    LegacyBounces(OutboundMailStore mails, MailboxDelivery mailboxes, String domain, Clock clock) {
        this.mails = mails;
        this.mailboxes = mailboxes;
        this.domain = domain;
        this.clock = clock;
    }

    @Override
    public void undeliverable(Connection c, UndeliverableEnvelope envelope) throws SQLException {
        Optional<OutboundMail> mail = mails.find(c, envelope.id());
        if (mail.isEmpty()) {
            return; // nothing says whose it was; the queue row keeps the reason for the administrator
        }
        boolean expired = envelope.reason() == UndeliverableEnvelope.Reason.EXPIRED;
        String reason = (expired ? "not accepted by the recipient's mail server in time" : "refused")
                + (envelope.lastError().isEmpty() ? "" : ": " + envelope.lastError());
        Instant now = clock.instant();
        byte[] notice = Notices.undeliverablePlainEmail(domain, mail.get().owner() + "@" + domain,
                mail.get().recipient().toString(), envelope.envelope().sharedArray(), expired, reason,
                SmtpReplies.replyIn(envelope.lastError()), envelope.enqueuedAt(), now);
        try {
            mailboxes.deliver(c, new Delivery("legacy-undeliverable:" + envelope.id().value(), mail.get().owner(),
                    "INBOX", notice, false, now));
        } catch (DeliveryException e) {
            throw new SQLException("cannot file the failure notice for " + envelope.id() + ": " + e.getMessage(), e);
        }
        LOG.info("legacy message {} undeliverable ({}); its sender was notified", envelope.id(), envelope.reason());
    }
}
