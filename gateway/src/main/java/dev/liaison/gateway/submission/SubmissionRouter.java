package dev.liaison.gateway.submission;

import dev.liaison.gateway.account.SubmissionAccounts;
import dev.liaison.gateway.invitation.InvitationException;
import dev.liaison.gateway.legacy.LegacyCorrespondents;
import dev.liaison.gateway.legacy.LegacyOutbound;
import dev.liaison.gateway.legacy.Postmaster;
import dev.liaison.gateway.legacy.delivery.LegacyOutbox;
import dev.liaison.gateway.mail.CorrespondentIds;
import dev.liaison.gateway.mail.InvitationText;
import dev.liaison.gateway.mail.MalformedMailException;
import dev.liaison.gateway.mail.Notices;
import dev.liaison.gateway.mail.OutgoingMail;
import dev.liaison.gateway.Limits;
import dev.liaison.gateway.relationship.Invitations;
import dev.liaison.gateway.relationship.RelationshipAliases;
import dev.liaison.gateway.relationship.RelationshipMail;
import dev.liaison.gateway.relationship.RelationshipSender;
import dev.liaison.imap.delivery.Delivery;
import dev.liaison.imap.delivery.MailboxDelivery;
import dev.liaison.mapping.alias.Addressee;
import dev.liaison.mapping.alias.Alias;
import dev.liaison.mapping.alias.AliasAddress;
import dev.liaison.mapping.alias.AliasStore;
import dev.liaison.mapping.alias.AliasTarget;
import dev.liaison.mapping.alias.PostgresAliasStore;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.user.Login;
import dev.liaison.mapping.user.PostgresUserStore;
import dev.liaison.mapping.user.User;
import dev.liaison.mapping.user.UserStore;
import dev.liaison.smtp.address.EmailAddress;
import dev.liaison.smtp.submission.AuthenticatedUser;
import dev.liaison.smtp.submission.RecipientVerdict;
import dev.liaison.smtp.submission.RefusedSubmissionException;
import dev.liaison.smtp.submission.Submission;
import dev.liaison.smtp.submission.SubmissionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Takes an accepted submission where its recipients say, all in one transaction (the 250 follows
 * the commit): the sender's own-mailbox aliases, and their own outward aliases (a Reply-All to a
 * correspondent's plain email names the one it came to) → the sender's INBOX; relationship aliases → sealed
 * and queued for each peer, with one copy in the sender's Sent folder; {@code invite@} → a new
 * invitation in the sender's INBOX to forward; {@code accept@} → the invitation in the message
 * accepted; a legacy correspondent's alias, a plain address on another domain or another user's
 * published address here → plain email from the sender's outward alias for that correspondent (or
 * the published alias a new one's {@code From} names; docs/legacy.md; to this gateway's own domain
 * it is handed to the MX intake in this process), with the same Sent copy.
 *
 * <p>Idempotency: a client that retries after losing the 250 gets no second copy anywhere. Keys
 * are derived from the sender and the message's {@code Message-ID} (smtp-in guarantees one); a
 * different message that reuses a {@code Message-ID} the sender used before is told from a retry
 * by the digest of its octets and delivered under a key of its own ({@link SubmittedMessages}).
 */
public final class SubmissionRouter implements SubmissionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(SubmissionRouter.class);

    private final Database db;
    private final MailboxDelivery mailboxes;
    private final RelationshipMail relationships;
    private final LegacyOutbound legacy;
    private final Invitations invitations;
    private final String domain;
    private final Postmaster postmaster;
    private final Clock clock;
    private final AliasStore aliases = new PostgresAliasStore();
    private final UserStore users = new PostgresUserStore();
    private final SubmittedMessages submitted = new SubmittedMessages();

    /** @param postmaster whose INBOX {@code postmaster@} is: mail to it goes as plain email to the MX intake */
    public SubmissionRouter(Database db, MailboxDelivery mailboxes, RelationshipMail relationships,
                            LegacyOutbound legacy, Invitations invitations, String domain, Postmaster postmaster,
                            Clock clock) {
        this.postmaster = postmaster;
        this.db = db;
        this.mailboxes = mailboxes;
        this.relationships = relationships;
        this.legacy = legacy;
        this.invitations = invitations;
        this.domain = domain;
        this.clock = clock;
    }

    /**
     * Where one submission goes, decided again inside the transaction (smtp-in asked the policy
     * before); {@code sender} is the sender's user row, read once per submission (its id, and its
     * display name when the message's {@code From} gives none).
     */
    private record Routing(boolean self, List<Alias> relationships, List<LegacyCorrespondents.Link> correspondents,
                           List<EmailAddress> plain, boolean invite, boolean accept, User sender) {

        long ownerId() {
            return sender.id();
        }

        boolean leaves() {
            return !relationships.isEmpty() || !correspondents.isEmpty() || !plain.isEmpty();
        }
    }

    @Override
    public void commit(Submission submission) throws Exception {
        byte[] message = submission.message().toByteArray();
        Login owner = Login.of(submission.user().id());
        String firstKey = submissionKey(owner.value(), MessageHeaders.messageId(message));
        byte[] digest = SubmittedMessages.digest(message, submission.addedOctets()); // Submission#clientMessage's octets
        db.inTransaction(c -> {
            Routing routing = route(c, submission);
            SubmittedMessages.Taken taken = submitted.take(c, firstKey, digest);
            String key = taken.key();
            Instant now = clock.instant();
            Failpoints.reach(Failpoints.SUBMISSION_BEFORE_COMMIT);
            if (routing.self()) {
                deliver(c, "submission:" + key, owner, "INBOX", message, false, now);
            }
            if (routing.leaves()) {
                send(c, submission, owner, routing, message, key, now);
            }
            // a retry's deliveries are recognised by their ids; these two would act again: a second
            // invitation no one is sent, an "accept failed" for an invitation the first one accepted
            if (routing.invite() && !taken.before()) {
                invite(c, owner, routing.sender(), message, key, now);
            }
            if (routing.accept() && !taken.before()) {
                accept(c, owner, routing.sender(), message, key, now);
            }
            return null;
        });
        Failpoints.reach(Failpoints.SUBMISSION_AFTER_COMMIT);
        LOG.debug("submission {} committed ({} octets, {} recipients)", submission.id(), message.length,
                submission.recipients().size());
    }

    private Routing route(Connection c, Submission submission) throws RefusedSubmissionException {
        // asked for every message: a connection kept open while its user was removed and the login given
        // to someone new would otherwise send through the new user's aliases, which are "its own" by login
        User sender = activeSender(c, submission.user());
        boolean self = false;
        boolean invite = false;
        boolean accept = false;
        List<Alias> relationshipAliases = new ArrayList<>();
        List<LegacyCorrespondents.Link> correspondents = new ArrayList<>();
        List<EmailAddress> plain = new ArrayList<>();
        for (EmailAddress recipient : submission.recipients()) {
            var service = ServiceAddress.of(recipient, domain);
            if (service.isPresent()) {
                invite |= service.get() == ServiceAddress.INVITE;
                accept |= service.get() == ServiceAddress.ACCEPT;
                continue;
            }
            if (!domain.equals(recipient.domain())) {
                if (!legacy.enabled()) {
                    throw new RefusedSubmissionException(550, "5.7.1", LegacyOutbox.NOT_CONFIGURED);
                }
                plain.add(recipient);
                continue;
            }
            if (postmaster.named(recipient) && postmaster.login().isPresent()) {
                if (postmaster.mailbox(c).isEmpty()) { // its user removed or disabled since RCPT
                    throw new RefusedSubmissionException(550, "5.1.1", recipient + ": no such address here any more;"
                            + " nothing was delivered");
                }
                plain.add(recipient); // as the MX takes it: plain email to the postmaster's INBOX (LegacyInbound)
                continue;
            }
            Addressee addressee = recheck(c, submission.user(), recipient);
            Alias alias = addressee.alias();
            if (OwnAliasPolicy.plainEmailHere(submission.user(), alias)) {
                plain.add(recipient); // another user's address: plain email, handed to this gateway's MX intake
                continue;
            }
            if (alias.target() instanceof AliasTarget.Relationship r) {
                var link = addressee.legacyCorrespondent() ? legacy.ofRelationship(c, r.id())
                        : Optional.<LegacyCorrespondents.Link>empty();
                if (link.isPresent()) {
                    correspondents.add(link.get());
                } else {
                    relationshipAliases.add(alias);
                }
            } else {
                self = true; // a mailbox alias of theirs, or their own outward alias: their own address
            }
        }
        return new Routing(self, relationshipAliases, correspondents, plain, invite, accept, sender);
    }

    /**
     * The sender's user row, if the user is still active and still the one who authenticated.
     * Submission authenticated the user when the connection began; a user disabled or removed since,
     * on a connection kept open, must not go on sending.
     */
    private User activeSender(Connection c, AuthenticatedUser user) throws RefusedSubmissionException {
        return SubmissionAccounts.stillActive(c, users, user)
                .orElseThrow(() -> new RefusedSubmissionException(550, "5.7.1", RecipientVerdict.SENDER_INACTIVE_TEXT));
    }

    /** smtp-in asked the policy already; the handler trusts no flag and asks the database again. */
    private Addressee recheck(Connection c, AuthenticatedUser user, EmailAddress recipient)
            throws RefusedSubmissionException {
        Addressee addressee = aliases.findAddressee(c, AliasAddress.of(recipient.localPart(), recipient.domain()))
                .orElse(null);
        RecipientVerdict verdict = addressee == null ? RecipientVerdict.UNKNOWN : OwnAliasPolicy.verdict(user, addressee);
        if (verdict == RecipientVerdict.RELATIONSHIP_ENDED || verdict == RecipientVerdict.CORRESPONDENCE_ENDED) {
            throw new RefusedSubmissionException(550, "5.7.1", "Your relationship through " + recipient
                    + " ended while the message was sent; nothing was delivered. To write to them again, "
                    + (verdict == RecipientVerdict.RELATIONSHIP_ENDED
                    ? "send them a new invitation (write to invite@" + domain + " for one)"
                    : "write to their plain email address: that starts a new conversation with them"));
        }
        if (verdict == RecipientVerdict.UNKNOWN && addressee != null) { // another user's address removed meanwhile
            throw new RefusedSubmissionException(550, "5.1.1", recipient + ": no such address here any more; nothing"
                    + " was delivered");
        }
        if (verdict == RecipientVerdict.DISABLED) {
            throw new RefusedSubmissionException(550, "5.2.1", recipient + ": this address was disabled while the"
                    + " message was sent; nothing was delivered");
        }
        if (verdict != RecipientVerdict.ACCEPT) {
            throw new RefusedSubmissionException(550, "5.7.1", "Recipient " + recipient
                    + " stopped being an active alias of yours while the message was sent; nothing was delivered");
        }
        return addressee;
    }

    /** Everything that leaves the gateway: sealed for relationships, plain email for correspondents; one Sent copy. */
    private void send(Connection c, Submission submission, Login owner, Routing routing, byte[] message, String key,
                      Instant now) throws Exception {
        OutgoingMail.Prepared prepared;
        try {
            // the Sent copy names the blind-copy recipients, as a client's own copy does
            prepared = OutgoingMail.prepare(message,
                    SentCopies.blindCopies(submission.blindCopyFields(), message, submission.recipients()));
        } catch (MalformedMailException e) {
            throw new RefusedSubmissionException(554, "5.6.0", "The message cannot be relayed: " + e.getMessage());
        }
        if (!routing.relationships().isEmpty() && prepared.sealed().length > RelationshipMail.MAX_MESSAGE_BYTES) {
            throw new RefusedSubmissionException(552, "5.3.4", "Message too big for a relationship: at most "
                    + RelationshipMail.MAX_MESSAGE_BYTES + " octets; send large files another way");
        }
        String name = ownName(message, routing.sender());
        List<LegacyCorrespondents.Link> correspondents = new ArrayList<>(routing.correspondents());
        if (!routing.plain().isEmpty()) {
            // the client's From may name a published alias of the user's, which a new relationship then writes from
            Optional<String> from = MessageHeaders.fromAddress(message);
            for (EmailAddress address : routing.plain()) {
                correspondents.add(legacy.linkFor(c, owner, routing.ownerId(), address, from));
            }
        }
        // only plain email's correspondents know their own ids: a reply to Communicator peers alone looks up none
        Map<Long, Map<String, String>> received = correspondents.isEmpty() ? Map.of()
                : receivedIds(c, correspondents.get(0).correspondent().ownerId(), prepared);
        // an answer to a request takes its folder rows before any relationship row (LegacyConsent's lock order)
        legacy.beforeAnswering(c, owner, correspondents, SentCopies.FOLDER);
        for (Alias alias : routing.relationships()) {
            try {
                relationships.relay(c, owner, alias, prepared, key + ":" + alias.address(), now);
            } catch (RelationshipSender.NotEstablishedException e) {
                throw new RefusedSubmissionException(550, "5.7.1", "Relationship " + alias.address()
                        + " cannot carry mail now: " + e.getMessage());
            }
        }
        for (LegacyCorrespondents.Link link : correspondents) {
            LegacyCorrespondents.Link current = legacy.beforeSending(c, name, link);
            if (current.correspondent().upgraded()) { // the same alias, over the Communicator transport now
                relationships.relay(c, owner, current.peerAlias(), prepared, key + ":" + current.peerAlias().address(),
                        now);
            } else {
                legacy.toCorrespondent(c, owner, name, current, prepared, key,
                        received.getOrDefault(current.relationship().id(), Map.of()));
            }
        }
        Map<String, String> allReceived = new HashMap<>();
        received.values().forEach(allReceived::putAll);
        deliver(c, SentCopies.deliveryId(key), owner, SentCopies.FOLDER, restored(prepared.sentCopy(), allReceived),
                true, now);
    }

    /**
     * The ids this message refers to that came with the owner's correspondents' plain email, per
     * relationship (neutral → as written): given back to that correspondent and in the Sent copy,
     * so the reply threads with what it answers on both sides.
     */
    private Map<Long, Map<String, String>> receivedIds(Connection c, long ownerId, OutgoingMail.Prepared prepared)
            throws RefusedSubmissionException {
        Set<String> referenced;
        try {
            referenced = CorrespondentIds.referenced(prepared.sentCopy());
        } catch (MalformedMailException e) {
            throw new RefusedSubmissionException(554, "5.6.0", "The message cannot be relayed: " + e.getMessage());
        }
        if (referenced.isEmpty()) {
            return Map.of();
        }
        return legacy.receivedIds(c, ownerId, referenced);
    }

    private static byte[] restored(byte[] message, Map<String, String> originals) throws RefusedSubmissionException {
        try {
            return CorrespondentIds.restored(message, originals);
        } catch (MalformedMailException e) {
            throw new RefusedSubmissionException(554, "5.6.0", "The message cannot be relayed: " + e.getMessage());
        }
    }

    private void invite(Connection c, Login owner, User sender, byte[] message, String key, Instant now)
            throws Exception {
        String name = ownName(message, sender);
        Invitations.Issued issued = invitations.create(c, owner, name, Invitations.DEFAULT_LIFETIME);
        byte[] notice = Notices.invitation(domain, owner.value() + "@" + domain, name, issued.token(), issued.uri(),
                issued.qrPng(), issued.expires(), now);
        deliver(c, "invite:" + key, owner, "INBOX", notice, false, now);
    }

    private void accept(Connection c, Login owner, User sender, byte[] message, String key, Instant now)
            throws Exception {
        String name = ownName(message, sender);
        var token = InvitationText.findInvitationToken(message);
        String failure;
        if (token.isEmpty()) {
            failure = "no invitation (a communicator:invitation/… link or its token) was found in your message";
        } else {
            try {
                invitations.accept(c, owner, name, token.get());
                return; // the new alias's "you are now connected" message is the answer
            } catch (InvitationException e) {
                failure = e.getMessage();
            }
        }
        deliver(c, "accept-failed:" + key, owner, "INBOX",
                Notices.acceptFailed(domain, owner.value() + "@" + domain, failure, now), false, now);
    }

    /**
     * An address inside a display name: clients without a configured name write the account's
     * address as the name ({@code "rita@…" <rita@…>}), and a user choosing a published alias in
     * {@code From} may leave its address there, which would tell every correspondent an address
     * of the user's they were not given.
     */
    private static final Pattern ADDRESS_IN_NAME = Pattern.compile("[^\\s@<>\"]@[^\\s@<>\"]+\\.[^\\s@<>\"]");

    /**
     * The name the sender shows in a new relationship and in plain email: the From display name,
     * else (none, nothing but control characters, or a name with an address in it) the user's display name, else none
     * ({@link User#shownName}: never the login, which would tell a correspondent the user's
     * account). Cut on a character boundary to the {@link Limits#MAX_DISPLAY_NAME_BYTES} a
     * relationship carries. A mail client's name is not typed for this, so a long one is shortened,
     * not refused: refusing it here would be a 451 the client retries forever.
     */
    private static String ownName(byte[] message, User sender) {
        Optional<String> given = MessageHeaders.fromDisplayName(message)
                .filter(n -> n.codePoints().anyMatch(cp -> !Character.isISOControl(cp) && !Character.isWhitespace(cp)))
                .filter(n -> !ADDRESS_IN_NAME.matcher(n).find());
        Optional<String> shown = given.isPresent() ? given : sender.shownName();
        return shown.map(RelationshipAliases::ownName).orElse("");
    }

    private void deliver(Connection c, String id, Login owner, String folder, byte[] message, boolean seen, Instant now)
            throws Exception {
        mailboxes.deliver(c, new Delivery(id, owner.value(), folder, message, seen, now));
    }

    static String submissionKey(String owner, String messageId) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(owner.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(messageId.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("SHA-256 is always available", e);
        }
    }
}
