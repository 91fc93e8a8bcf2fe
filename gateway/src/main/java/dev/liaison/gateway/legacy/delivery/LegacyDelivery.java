package dev.liaison.gateway.legacy.delivery;

import dev.liaison.gateway.keys.KeyEncryptionKey;
import dev.liaison.gateway.transport.send.DeliveryOutcome;
import dev.liaison.gateway.transport.send.DeliveryWorker;
import dev.liaison.gateway.transport.send.OutboundQueue;
import dev.liaison.imap.delivery.MailboxDelivery;
import dev.liaison.mapping.database.Database;
import dev.liaison.smtp.inbound.InboundHandler;
import dev.liaison.smtp.inbound.InboundRecipientPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Outbound legacy email wired together: the {@link LegacyOutbox} the submission path queues into,
 * the gateway's DKIM key (generated at the first start), and the delivery worker that speaks SMTP.
 * Schema {@code legacy} must be migrated first ({@link LegacySchema#migrate}).
 *
 * <p>The worker is the sending service's {@link DeliveryWorker} on the {@link LegacySchema#QUEUE}
 * table, so claiming, leases, retry with backoff, expiry and failure notices behave exactly as
 * for the relay. Start it even when legacy email is off: messages queued while it was on are then
 * retried until they expire and their senders are told.
 */
public final class LegacyDelivery {

    private static final Logger LOG = LoggerFactory.getLogger(LegacyDelivery.class);

    private final LegacyDeliverySettings settings;
    private final Database database;
    private final MailboxDelivery mailboxes;
    private final DkimKey key;
    private final OutboundMailStore mails = new OutboundMailStore();
    private final LegacyOutbox outbox;

    private LegacyDelivery(LegacyDeliverySettings settings, Database database, MailboxDelivery mailboxes, DkimKey key) {
        this.settings = settings;
        this.database = database;
        this.mailboxes = mailboxes;
        this.key = key;
        this.outbox = new LegacyOutbox(!(settings.route() instanceof LegacyRoute.Off), settings.domain(),
                new OutboundQueue(settings.queue(), LegacySchema.QUEUE), mails,
                new DkimSigner(settings.domain(), key, settings.queue().clock()));
    }

    /**
     * Loads the DKIM key for {@code dkim.selector}, generating and storing it the first time.
     * {@code DatabaseException} if the database fails.
     */
    public static LegacyDelivery open(LegacyDeliverySettings settings, Database database, KeyEncryptionKey kek,
                                      MailboxDelivery mailboxes) {
        DkimKey key = database.inTransaction(c -> new DkimKeys(kek).loadOrCreate(c, settings.dkimSelector()));
        return new LegacyDelivery(settings, database, mailboxes, key);
    }

    public LegacyOutbox outbox() {
        return outbox;
    }

    public boolean isEnabled() {
        return outbox.isEnabled();
    }

    /** The key outgoing mail is signed with; {@code liaison dns} prints its record. */
    public DkimKey dkimKey() {
        return key;
    }

    /**
     * Starts delivering the legacy queue, all of it the configured way (a smarthost, direct MX or
     * none), mail for this gateway's own domain too; close the worker to stop.
     */
    public DeliveryWorker start() {
        return start(route(new SmtpClient(settings.domain())));
    }

    /**
     * As {@link #start()}, but plain email to this gateway's own domain is handed to its own MX
     * intake in this process ({@link LocalRoute}: {@code policy} answers the RCPT, {@code intake}
     * files the message), whether or not plain email to other domains is configured.
     */
    public DeliveryWorker start(InboundRecipientPolicy policy, InboundHandler intake) {
        return start(new LocalRoute(settings.domain(), policy, intake, route(new SmtpClient(settings.domain()))));
    }

    private DeliveryWorker start(MailRoute route) {
        LOG.info("Legacy email: {}, DKIM selector {}", describe(settings.route()), key.selector());
        return DeliveryWorker.start(database, settings.queue(), LegacySchema.QUEUE,
                new SmtpCourier(database, mails, route),
                new LegacyBounces(mails, mailboxes, settings.domain(), settings.queue().clock()));
    }

    private MailRoute route(SmtpClient client) {
        if (settings.route() instanceof LegacyRoute.Smarthost s) {
            return new SmarthostRoute(client, s.smarthost(), settings.smarthostTrust());
        }
        if (settings.route() instanceof LegacyRoute.DirectMx) {
            return new DirectMxRoute(client, settings.mxLookup());
        }
        return (mail, message) -> new DeliveryOutcome.Retry(LegacyOutbox.NOT_CONFIGURED
                + " (any more); set legacy.relay.host or legacy.direct-mx=true", Duration.ZERO);
    }

    private static String describe(LegacyRoute route) {
        if (route instanceof LegacyRoute.Smarthost s) {
            return "through smarthost " + s.smarthost().host() + ":" + s.smarthost().port() + " ("
                    + s.smarthost().security() + ")";
        }
        return route instanceof LegacyRoute.DirectMx ? "directly to the recipients' MX hosts"
                : "off (set legacy.relay.host or legacy.direct-mx=true)";
    }
}
