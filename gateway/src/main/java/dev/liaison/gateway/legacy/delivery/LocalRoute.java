package dev.liaison.gateway.legacy.delivery;

import dev.liaison.gateway.transport.send.DeliveryOutcome;
import dev.liaison.smtp.address.EmailAddress;
import dev.liaison.smtp.authentication.DmarcAction;
import dev.liaison.smtp.authentication.DmarcCheck;
import dev.liaison.smtp.authentication.DmarcDisposition;
import dev.liaison.smtp.authentication.DmarcResult;
import dev.liaison.smtp.authentication.SenderAuthentication;
import dev.liaison.smtp.authentication.SpfCheck;
import dev.liaison.smtp.authentication.SpfIdentity;
import dev.liaison.smtp.authentication.SpfResult;
import dev.liaison.smtp.inbound.InboundHandler;
import dev.liaison.smtp.inbound.InboundMessage;
import dev.liaison.smtp.inbound.InboundRecipientPolicy;
import dev.liaison.smtp.inbound.InboundRecipientVerdict;
import dev.liaison.smtp.inbound.RefusedMessageException;
import dev.liaison.smtp.submission.RawMessage;
import dev.liaison.smtp.submission.ReversePath;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Plain email to an address of this gateway's own domain (a user writing to another user's
 * published address, and the replies to it) is handed to the gateway's own MX intake in this
 * process instead of leaving through the smarthost and coming back: the same recipient check
 * ({@link InboundRecipientPolicy}, so a disabled published address is {@code 5.2.1} and a blocked
 * sender {@code 5.7.1}) and the same delivery ({@link InboundHandler}, which files the message,
 * opens the recipient's relationship and keeps the correspondent's ids) as a message from the
 * Internet. The queue row is deleted only after the intake committed; a crash in between hands the
 * same octets over again, and the intake recognises them by their digest, so the message is filed
 * once. Every other recipient goes the configured way ({@code elsewhere}).
 *
 * <p>The answers map as an SMTP server's would ({@link SmtpReplies}): a 5yz refusal is final and
 * the sender gets the failure notice; a 4yz one, or an intake that failed, is retried.
 */
final class LocalRoute implements MailRoute {

    /** What the intake's trace says the message came from: this host, never a network client. */
    private static final InetAddress THIS_HOST = InetAddress.getLoopbackAddress();

    private final String domain;
    private final InboundRecipientPolicy policy;
    private final InboundHandler intake;
    private final MailRoute elsewhere;

    LocalRoute(String domain, InboundRecipientPolicy policy, InboundHandler intake, MailRoute elsewhere) {
        this.domain = domain;
        this.policy = policy;
        this.intake = intake;
        this.elsewhere = elsewhere;
    }

    /** Whether mail to {@code recipient} stays on this gateway. */
    static boolean local(String domain, EmailAddress recipient) {
        return recipient.domain().equalsIgnoreCase(domain);
    }

    @Override
    public DeliveryOutcome carry(OutboundMail mail, byte[] message) throws InterruptedException {
        if (!local(domain, mail.recipient())) {
            return elsewhere.carry(mail, message);
        }
        ReversePath sender = new ReversePath.Mailbox(mail.sender());
        InboundRecipientVerdict verdict;
        try {
            verdict = policy.check(sender, mail.recipient(), THIS_HOST);
        } catch (RuntimeException e) {
            return new DeliveryOutcome.Retry("this gateway's MX could not check the recipient: " + e.getMessage(),
                    Duration.ZERO);
        }
        if (!(verdict instanceof InboundRecipientVerdict.Accept)) {
            return refusedAtRcpt(verdict);
        }
        String id = "local-" + UUID.randomUUID();
        try {
            intake.accept(new InboundMessage(id, sender, List.of(mail.recipient()), THIS_HOST, domain, false,
                    authentication(mail), RawMessage.copyOf(message), id, 0));
            return new DeliveryOutcome.Delivered(250);
        } catch (RefusedMessageException e) {
            String reason = "this gateway's MX answered DATA with " + e.replyCode() + " " + e.enhancedStatus() + " "
                    + e.getMessage();
            return e.temporary() ? new DeliveryOutcome.Retry(reason, Duration.ZERO) : new DeliveryOutcome.Rejected(reason);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) { // not committed: the queue tries again later
            return new DeliveryOutcome.Retry("this gateway's MX could not file the message: " + e.getMessage(),
                    Duration.ZERO);
        }
    }

    /** The reply the MX gives such a RCPT, in the words {@link SmtpReplies} uses for a remote server's. */
    private static DeliveryOutcome refusedAtRcpt(InboundRecipientVerdict verdict) {
        String prefix = "this gateway's MX answered RCPT TO with ";
        if (verdict instanceof InboundRecipientVerdict.Deferred d) {
            return new DeliveryOutcome.Retry(prefix + d.replyCode() + " " + d.enhancedStatus() + " " + d.text(),
                    Duration.ZERO);
        }
        if (verdict instanceof InboundRecipientVerdict.Refused r) {
            return new DeliveryOutcome.Rejected(prefix + "550 5.7.1 " + r.text());
        }
        if (verdict instanceof InboundRecipientVerdict.Disabled) {
            return new DeliveryOutcome.Rejected(prefix + "550 5.2.1 this address is disabled");
        }
        return new DeliveryOutcome.Rejected(prefix + "550 5.1.1 no such address here");
    }

    /**
     * What the intake is told of the sender's authentication: nothing verified (SPF none, no DKIM
     * checked, no DMARC policy), so the message is filed as mail (never as junk) and any
     * {@code Communicator-Invite} it carries is not taken up: between two users of one gateway the
     * conversation stays plain email (the message never leaves the gateway), and a user cannot
     * redirect another user's relationship by writing the field into their own message.
     */
    private SenderAuthentication authentication(OutboundMail mail) {
        return new SenderAuthentication(new SpfCheck(SpfResult.NONE, SpfIdentity.MAILFROM, mail.sender().toString(),
                mail.sender().domain()), List.of(),
                new DmarcCheck(DmarcResult.NONE, domain.toLowerCase(Locale.ROOT), DmarcAction.NONE, DmarcDisposition.DELIVER));
    }
}
