package dev.liaison.gateway.submission;

import dev.liaison.imap.delivery.Delivery;
import dev.liaison.imap.delivery.MailboxDelivery;
import dev.liaison.mapping.alias.Alias;
import dev.liaison.mapping.alias.AliasAddress;
import dev.liaison.mapping.alias.AliasStore;
import dev.liaison.mapping.alias.PostgresAliasStore;
import dev.liaison.mapping.database.Database;
import dev.liaison.smtp.address.EmailAddress;
import dev.liaison.smtp.submission.AuthenticatedUser;
import dev.liaison.smtp.submission.Submission;
import dev.liaison.smtp.submission.SubmissionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.time.Clock;
import java.util.HexFormat;

/**
 * Delivers a submission addressed to the sender's own aliases into the sender's INBOX (until
 * relationships exist, an alias's only target is its owner's mailbox), in one transaction; the
 * 250 follows the commit.
 *
 * <p>The delivery id is derived from the owner and the message's {@code Message-ID}, so a client
 * that retries after losing the 250 (the connection dropped after our commit) does not get a
 * second copy; smtp-in guarantees every message has a {@code Message-ID}.
 */
public final class SelfDelivery implements SubmissionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(SelfDelivery.class);

    private final Database db;
    private final MailboxDelivery mailboxes;
    private final Clock clock;
    private final AliasStore aliases = new PostgresAliasStore();

    public SelfDelivery(Database db, MailboxDelivery mailboxes, Clock clock) {
        this.db = db;
        this.mailboxes = mailboxes;
        this.clock = clock;
    }

    @Override
    public void commit(Submission submission) throws Exception {
        byte[] message = submission.message().toByteArray();
        String deliveryId = deliveryId(submission.user().id(), MessageHeaders.messageId(message));
        boolean duplicate = db.inTransaction(c -> {
            for (EmailAddress recipient : submission.recipients()) {
                recheck(c, submission.user(), recipient);
            }
            Failpoints.reach(Failpoints.SUBMISSION_BEFORE_COMMIT);
            return mailboxes.deliver(c, new Delivery(deliveryId, submission.user().id(), "INBOX", message, false,
                    clock.instant())).duplicate();
        });
        Failpoints.reach(Failpoints.SUBMISSION_AFTER_COMMIT);
        LOG.debug("submission {} delivered to its sender's INBOX ({} octets{})", submission.id(), message.length,
                duplicate ? ", a retry of a delivered message" : "");
    }

    /** smtp-in asked the policy already; the handler trusts no flag and asks the database again. */
    private void recheck(Connection c, AuthenticatedUser user, EmailAddress recipient) {
        Alias alias = aliases.find(c, AliasAddress.of(recipient.localPart(), recipient.domain()))
                .orElseThrow(() -> new IllegalStateException("recipient " + recipient + " is no longer an alias"));
        if (OwnAliasPolicy.verdict(user, alias) != dev.liaison.smtp.submission.RecipientVerdict.ACCEPT) {
            throw new IllegalStateException("recipient " + recipient + " is no longer an active alias of the sender");
        }
    }

    static String deliveryId(String owner, String messageId) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(owner.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(messageId.getBytes(StandardCharsets.UTF_8));
            return "submission:" + HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("SHA-256 is always available", e);
        }
    }
}
