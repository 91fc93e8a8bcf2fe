package dev.liaison.gateway.legacy.delivery;

import dev.liaison.gateway.transport.send.ClaimedEnvelope;
import dev.liaison.gateway.transport.send.Courier;
import dev.liaison.gateway.transport.send.DeliveryOutcome;
import dev.liaison.mapping.database.Database;

import java.time.Duration;
import java.util.Optional;

/**
 * The legacy queue's {@link Courier}: reads the message's SMTP envelope (a short transaction,
 * closed before any network I/O) and hands the signed octets to the configured route.
 */
final class SmtpCourier implements Courier {

    private final Database database;
    private final OutboundMailStore mails;
    private final MailRoute route;

    SmtpCourier(Database database, OutboundMailStore mails, MailRoute route) {
        this.database = database;
        this.mails = mails;
        this.route = route;
    }

    @Override
    public DeliveryOutcome deliver(ClaimedEnvelope envelope) throws InterruptedException {
        Optional<OutboundMail> mail;
        try {
            mail = database.inTransaction(c -> mails.find(c, envelope.id()));
        } catch (RuntimeException e) { // the database is unavailable: try again later
            return new DeliveryOutcome.Retry("cannot read the SMTP envelope: " + e.getMessage(), Duration.ZERO);
        }
        if (mail.isEmpty()) {
            return new DeliveryOutcome.Rejected("the message was queued without an SMTP envelope");
        }
        return route.carry(mail.get(), envelope.envelope().sharedArray());
    }
}
