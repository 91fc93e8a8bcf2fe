package dev.liaison.gateway.submission;

import dev.liaison.gateway.account.SubmissionAccounts;
import dev.liaison.gateway.legacy.Postmaster;
import dev.liaison.gateway.mail.MailLimits;
import dev.liaison.gateway.mail.Notices;
import dev.liaison.gateway.relationship.RelationshipMail;
import dev.liaison.mapping.alias.Addressee;
import dev.liaison.mapping.alias.Alias;
import dev.liaison.mapping.alias.AliasAddress;
import dev.liaison.mapping.alias.AliasState;
import dev.liaison.mapping.alias.AliasStore;
import dev.liaison.mapping.alias.AliasTarget;
import dev.liaison.mapping.alias.InvalidAliasException;
import dev.liaison.mapping.alias.PostgresAliasStore;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.relationship.RelationshipState;
import dev.liaison.mapping.user.PostgresUserStore;
import dev.liaison.mapping.user.UserStore;
import dev.liaison.smtp.address.EmailAddress;
import dev.liaison.smtp.submission.AuthenticatedUser;
import dev.liaison.smtp.submission.RecipientPolicy;
import dev.liaison.smtp.submission.RecipientVerdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;

/**
 * RCPT is accepted only for an active alias owned by the authenticated user — one delivering to
 * the user's own mailbox, or one writing to an active relationship of the user — and for the
 * gateway's service addresses {@code invite@} and {@code accept@}; {@code postmaster@} when the
 * {@code postmaster} setting names an active user (as the MX takes it); another user's published (or
 * outward) address, as plain email that stays on this gateway ({@link #plainEmailHere}; disabled:
 * {@code 550 5.2.1}, as the MX says); a reply to a failure notice
 * ({@code MAILER-DAEMON@}) is refused saying that address takes no mail ({@code 550 5.7.1}); a plain address on another
 * domain only when this gateway sends plain email (docs/legacy.md; otherwise {@code 550 5.7.1}
 * "legacy email is not configured"). The user's own outward alias, active, is their own address
 * (their INBOX), as a Reply-All to a correspondent's plain email names it. Everything else is
 * refused: an address on our domain that is no alias is unknown ({@code 550 5.1.1}); an alias that
 * is disabled, removed or someone else's, a relationship that is pending or blocked is refused
 * ({@code 550 5.7.1}); one that has ended is
 * refused saying so, to its owner only ({@code 550 5.7.1}, how to write to them again: a new
 * invitation to a Communicator peer, their plain address to a correspondent on plain email). A stranger's
 * request (REQUESTED) may be answered: that accepts it. A sender disabled or removed since AUTH
 * is refused every recipient ({@code 550 5.7.1}, the words the handler's own check uses).
 */
public final class OwnAliasPolicy implements RecipientPolicy {

    private static final Logger LOG = LoggerFactory.getLogger(OwnAliasPolicy.class);

    /**
     * Above this declared size (MAIL FROM's {@code SIZE=}) no message can leave the gateway: the
     * largest a relationship or plain email carries, plus a whole header section, which is all the
     * gateway may drop or add before it measures. Below it the handler decides on the message itself.
     */
    public static final long MAX_DECLARED_LEAVING = Math.max(RelationshipMail.MAX_MESSAGE_BYTES,
            dev.liaison.gateway.legacy.delivery.Limits.MAX_MESSAGE_BYTES) + MailLimits.MAX_HEADER_SECTION_BYTES;

    private final Database db;
    private final String domain;
    private final AliasStore aliases = new PostgresAliasStore();
    private final UserStore users = new PostgresUserStore();

    private final BooleanSupplier legacyEmail;
    private final Postmaster postmaster;

    /** @param legacyEmail whether this gateway sends plain email to other domains (asked per RCPT) */
    public OwnAliasPolicy(Database db, String domain, BooleanSupplier legacyEmail) {
        this(db, domain, legacyEmail, new Postmaster(domain, Optional.empty()));
    }

    /** @param postmaster whose INBOX {@code postmaster@} is, written to as plain email as the MX takes it */
    public OwnAliasPolicy(Database db, String domain, BooleanSupplier legacyEmail, Postmaster postmaster) {
        this.db = db;
        this.domain = domain;
        this.legacyEmail = legacyEmail;
        this.postmaster = postmaster;
    }

    @Override
    public RecipientVerdict check(AuthenticatedUser sender, EmailAddress recipient) {
        return check(sender, recipient, OptionalLong.empty());
    }

    /** As above; a declared size over {@link #MAX_DECLARED_LEAVING} is too large for a recipient mail leaves to. */
    @Override
    public RecipientVerdict check(AuthenticatedUser sender, EmailAddress recipient, OptionalLong declaredSize) {
        boolean tooLargeToLeave = declaredSize.isPresent() && declaredSize.getAsLong() > MAX_DECLARED_LEAVING;
        // Autocommit reads, no BEGIN/COMMIT: this verdict only shapes the RCPT reply, and the
        // handler asks again inside the transaction that commits the message.
        try {
            return db.inAutocommit(c -> activeSender(c, sender)
                    ? verdict(c, sender, recipient, tooLargeToLeave) : RecipientVerdict.SENDER_INACTIVE);
        } catch (RuntimeException e) {
            LOG.warn("RCPT check failed, answering 451: {}", e.getMessage());
            return RecipientVerdict.TEMPORARY_FAILURE;
        }
    }

    /**
     * Whether the user AUTH vouched for may still send: one disabled or removed since (a login given
     * to someone else since counts as removed), on a connection kept open, is refused at RCPT rather
     * than after uploading a body the handler would refuse (it checks again when it commits).
     */
    private boolean activeSender(Connection c, AuthenticatedUser sender) {
        return SubmissionAccounts.stillActive(c, users, sender).isPresent();
    }

    private RecipientVerdict verdict(Connection c, AuthenticatedUser sender, EmailAddress recipient,
                                     boolean tooLargeToLeave) {
        if (!domain.equals(recipient.domain())) {
            // only an authenticated user gets here: sending for them is not relaying for strangers
            if (!legacyEmail.getAsBoolean()) {
                return RecipientVerdict.NO_LEGACY_EMAIL;
            }
            return tooLargeToLeave ? RecipientVerdict.TOO_LARGE : RecipientVerdict.ACCEPT;
        }
        if (ServiceAddress.of(recipient, domain).isPresent()) {
            return RecipientVerdict.ACCEPT;
        }
        if (recipient.localPart().equalsIgnoreCase(Notices.NOTICE_SENDER)) {
            return RecipientVerdict.NOTICES_ONLY; // a reply to a failure notice
        }
        if (postmaster.named(recipient) && postmaster.mailbox(c).isPresent()) {
            // RFC 5321 §4.5.1: taken as the MX takes it (plain email to its INBOX); unset, the MX's 5.1.1
            return tooLargeToLeave ? RecipientVerdict.TOO_LARGE : RecipientVerdict.ACCEPT;
        }
        return parse(recipient).flatMap(address -> aliases.findAddressee(c, address))
                .map(a -> sizeChecked(verdict(sender, a), sender, a, tooLargeToLeave))
                .orElse(RecipientVerdict.UNKNOWN);
    }

    /**
     * The sender's usable alias whose target can take mail now, or another user's address that takes
     * plain email ({@link #plainEmailHere}) as the MX would answer for it; the handler asks again in
     * its transaction.
     */
    static RecipientVerdict verdict(AuthenticatedUser sender, Addressee addressee) {
        Alias alias = addressee.alias();
        boolean own = alias.owner().value().equals(sender.id());
        if (plainEmailHere(sender, alias)) {
            // the MX's words for it: a disabled published address is 5.2.1, a disabled outward one, a removed one 5.1.1
            return alias.receives() ? RecipientVerdict.ACCEPT
                    : alias.state() == AliasState.DISABLED && alias.target() instanceof AliasTarget.Published
                    ? RecipientVerdict.DISABLED : RecipientVerdict.UNKNOWN;
        }
        if (!own) {
            // another user's private or relationship alias: the MX's answer, so a user learns nothing
            // from it about whether an address someone showed them is live here, or whose it is
            return RecipientVerdict.UNKNOWN;
        }
        if (alias.target() instanceof AliasTarget.Outward) {
            // the user's own address towards one correspondent, in the To of that correspondent's mail,
            // so a Reply-All names it (clients leave out only the account's address): the user's own, so
            // mail to it is theirs (INBOX), as a mail server delivers mail to your own address to you,
            // whatever became of the correspondence; nothing goes to the correspondent through it
            return alias.usable() ? RecipientVerdict.ACCEPT : RecipientVerdict.REFUSED;
        }
        if (alias.usable() && addressee.relationshipState().filter(s -> s == RelationshipState.ENDED).isPresent()) {
            // the owner knows of it already (the notice); others learn nothing
            return addressee.legacyCorrespondent() ? RecipientVerdict.CORRESPONDENCE_ENDED
                    : RecipientVerdict.RELATIONSHIP_ENDED;
        }
        boolean deliverable = alias.target() instanceof AliasTarget.Relationship
                ? addressee.relationshipState().filter(s -> s == RelationshipState.ACTIVE
                        || s == RelationshipState.REQUESTED).isPresent()
                : alias.target().mailbox();
        return alias.usable() && deliverable ? RecipientVerdict.ACCEPT : RecipientVerdict.REFUSED;
    }

    /**
     * Whether {@code alias} is another user's address that the MX takes plain email for (published,
     * or an outward alias a correspondent writes to): written to as plain email from the sender's
     * outward alias, as from anywhere on the Internet, and handed to the MX intake in this process
     * (docs/legacy-delivery.md). The sender's own published address and outward aliases are their
     * own mailbox.
     */
    static boolean plainEmailHere(AuthenticatedUser sender, Alias alias) {
        return !alias.owner().value().equals(sender.id())
                && (alias.target() instanceof AliasTarget.Published || alias.target() instanceof AliasTarget.Outward);
    }

    /** An accepted relationship alias or plain email (mail to them is bounded as leaving the gateway) takes only what can leave. */
    private static RecipientVerdict sizeChecked(RecipientVerdict verdict, AuthenticatedUser sender, Addressee addressee,
                                                boolean tooLargeToLeave) {
        boolean leaves = addressee.alias().target() instanceof AliasTarget.Relationship
                || plainEmailHere(sender, addressee.alias());
        return verdict == RecipientVerdict.ACCEPT && leaves && tooLargeToLeave ? RecipientVerdict.TOO_LARGE : verdict;
    }

    private static Optional<AliasAddress> parse(EmailAddress recipient) {
        try {
            return Optional.of(AliasAddress.of(recipient.localPart(), recipient.domain()));
        } catch (InvalidAliasException e) {
            return Optional.empty();
        }
    }
}
