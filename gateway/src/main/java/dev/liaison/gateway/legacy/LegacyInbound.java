package dev.liaison.gateway.legacy;

import dev.liaison.gateway.mail.LegacyIncomingMail;
import dev.liaison.gateway.mail.LegacyOutgoingMail;
import dev.liaison.gateway.mail.MalformedMailException;
import dev.liaison.imap.delivery.Delivery;
import dev.liaison.imap.delivery.MailboxDelivery;
import dev.liaison.mapping.user.Login;
import dev.liaison.mapping.user.User;
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
import dev.liaison.smtp.authentication.SenderAuthentication;
import dev.liaison.smtp.inbound.InboundHandler;
import dev.liaison.smtp.inbound.InboundMessage;
import dev.liaison.smtp.inbound.InboundRecipientPolicy;
import dev.liaison.smtp.inbound.InboundRecipientVerdict;
import dev.liaison.smtp.inbound.RefusedMessageException;
import dev.liaison.smtp.submission.ReversePath;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Plain email arriving at the MX (issue 8): which addresses take it, and where it goes.
 *
 * <p>A <em>published</em> alias takes mail from anyone: a new sender's first message opens a
 * REQUESTED relationship and lands in {@code Requests}; the user accepts by writing back (or with
 * {@code liaison relationship accept}), refuses with {@code liaison relationship block}, after
 * which that sender is refused. An <em>outward</em> alias takes mail from its one correspondent.
 * Both take the reports mail servers send back with a null sender (bounces, receipts), and other
 * automatic mail (a null sender, {@code Auto-Submitted}) from addresses that are no correspondent of theirs.
 * Every other address of the gateway is unknown to the MX, so nothing reaches a private alias or a
 * Communicator relationship this way. Delivered mail is shown from the correspondent's local
 * alias, so replies go back through the relationship.
 *
 * <p>The RCPT answer is a first look, by envelope sender; the handler decides again, inside the
 * delivering transaction, by the {@code From} the user will see.
 */
public final class LegacyInbound implements InboundRecipientPolicy, InboundHandler {

    private static final Logger LOG = LoggerFactory.getLogger(LegacyInbound.class);
    /**
     * New strangers per published alias and hour; more wait ({@code 450} at the end of DATA, by the
     * {@code From}) so a flood cannot fill Requests.
     */
    static final int NEW_SENDERS_PER_HOUR = 20;
    static final String REQUESTS = "Requests";
    /** The advisory lock space of the new-sender count (two-key form: this class, an alias). */
    private static final int REQUESTS_LOCK = 0x4c696e62;
    /** The MX's words for a refused sender: the same whichever of the sender's addresses the block named. */
    private static final String NOT_FROM_THIS_SENDER = "the recipient does not take mail from this sender";

    private final Database db;
    private final MailboxDelivery mailboxes;
    private final LegacyCorrespondents correspondents;
    private final LegacyUpgrades upgrades;
    private final LegacyConsent consent;
    private final String domain;
    private final Postmaster postmaster;
    private final Clock clock;
    private final AliasStore aliases = new PostgresAliasStore();
    private final UserStore users = new PostgresUserStore();

    public LegacyInbound(Database db, MailboxDelivery mailboxes, LegacyCorrespondents correspondents,
                         LegacyUpgrades upgrades, String domain, Optional<Login> postmaster, Clock clock) {
        this.db = db;
        this.mailboxes = mailboxes;
        this.correspondents = correspondents;
        this.upgrades = upgrades;
        this.consent = new LegacyConsent(correspondents, upgrades, mailboxes);
        this.domain = domain;
        this.postmaster = new Postmaster(domain, postmaster);
        this.clock = clock;
    }

    @Override
    public InboundRecipientVerdict check(ReversePath sender, EmailAddress recipient, InetAddress client) {
        try {
            return db.inTransaction(c -> {
                if (isPostmaster(recipient)) {
                    return postmasterUser(c).isPresent() ? InboundRecipientVerdict.ACCEPT : InboundRecipientVerdict.UNKNOWN;
                }
                Optional<Alias> alias = find(c, recipient);
                if (alias.isEmpty()) {
                    return disabledPublished(c, recipient) ? InboundRecipientVerdict.DISABLED
                            : InboundRecipientVerdict.UNKNOWN;
                }
                Optional<String> from = sender.addressText(); // a UTF-8 sender is nobody's correspondent: a stranger
                return firstLook(c, alias.get(), from);
            });
        } catch (RuntimeException e) {
            LOG.warn("MX recipient check failed, answering 451: {}", e.getMessage());
            return InboundRecipientVerdict.unavailable();
        }
    }

    private InboundRecipientVerdict firstLook(Connection c, Alias alias, Optional<String> sender) {
        Optional<LegacyCorrespondents.Link> known = sender.flatMap(s -> correspondents.find(c, alias.ownerId(), s));
        if (known.filter(LegacyInbound::refuses).isPresent() || outwardOf(c, alias).filter(LegacyInbound::refuses).isPresent()
                || sender.filter(s -> correspondents.blocksOwnerOf(c, alias.ownerId(), s)).isPresent()) {
            return InboundRecipientVerdict.refused(NOT_FROM_THIS_SENDER);
        }
        // No cap on new senders here: it is about the author, whom only the From names. A list, a
        // shop's mailer or a forwarder sends with its own bounce address, never the author's, so a
        // deferral by envelope sender held back the posts of accepted correspondents too; and a null
        // sender's message may be a report, which opens no request. The handler applies the cap.
        return InboundRecipientVerdict.ACCEPT;
    }

    @Override
    public void accept(InboundMessage message) throws Exception {
        byte[] raw = message.message().toByteArray();
        LegacyIncomingMail mail;
        try {
            mail = LegacyIncomingMail.parse(raw);
        } catch (MalformedMailException e) {
            throw new RefusedMessageException(550, "5.6.0", "the message cannot be delivered: " + e.getMessage());
        }
        byte[] sent = sent(message, raw, mail);
        Instant now = clock.instant();
        db.inTransaction(c -> {
            for (EmailAddress recipient : message.recipients()) {
                if (isPostmaster(recipient)) {
                    toPostmaster(c, raw, sent, message.authentication().quarantine(), now);
                    continue;
                }
                Alias alias = find(c, recipient).orElseThrow(() -> new RefusedMessageException(550, "5.1.1",
                        "no mailbox " + recipient + " here any more"));
                boolean junk = message.authentication().quarantine();
                boolean report = message.sender() instanceof ReversePath.Null && mail.isReport();
                if (report || nobodysConversation(c, alias, mail, message.sender())) {
                    asItCame(c, alias, mail, sent, junk, report, now);
                } else {
                    deliver(c, alias, mail, sent, message.sender(), message.authentication(), now);
                }
            }
            return null;
        });
    }

    private void deliver(Connection c, Alias alias, LegacyIncomingMail mail, byte[] sent, ReversePath sender,
                         SenderAuthentication authentication, Instant now) throws Exception {
        boolean junk = authentication.quarantine();
        if (!mail.author().ascii()) {
            // reply text is ASCII (RFC 5321 section 4.2), so the address is not named
            throw new RefusedMessageException(550, "5.6.7", "the From address is not ASCII: replies from here leave"
                    + " without SMTPUTF8 and could not reach it; write from an ASCII address (RFC 6531)");
        }
        if (relayedFromRefused(c, alias, mail, sender)) {
            relayedToJunk(c, alias, mail, sent, now);
            return;
        }
        // another user of this gateway writes to each published address from a new outward alias: a
        // block of any of their addresses holds for all, as an outside sender's does, and before a
        // request is opened (which would count against the new senders of the hour)
        if (correspondents.blocksOwnerOf(c, alias.ownerId(), mail.author().address())) {
            throw new RefusedMessageException(550, "5.7.1", NOT_FROM_THIS_SENDER);
        }
        LegacyCorrespondents.Link link = route(c, alias, mail.author());
        if (refuses(link)) {
            throw new RefusedMessageException(550, "5.7.1", NOT_FROM_THIS_SENDER);
        }
        Optional<String> warning = link.correspondent().upgraded()
                ? Optional.of("This plain email claims to be from " + mail.author().address() + ", whose conversation"
                + " with you is end-to-end encrypted now. It did not come through that channel: it may be forged.")
                : Optional.empty();
        String folder = junk || warning.isPresent() ? "Junk"
                : link.relationship().state() == RelationshipState.REQUESTED
                ? consent.requestFolder(c, alias.owner(), link.relationship().id()) // answered meanwhile?
                : "INBOX";
        byte[] shown = mail.asFrom(link.peerAlias().address().toString(), shownName(mail, link), warning);
        mailboxes.deliver(c, new Delivery(deliveryId(alias, sent), alias.owner().value(), folder, shown, false, now));
        if (warning.isEmpty() && !junk) { // a reply gives the correspondent's own Message-ID back to them
            correspondents.received(c, link.relationship().id(), mail.messageId(), mail.listPost());
            link = correspondents.named(c, link, mail.author().displayName());
        }
        if (warning.isEmpty() && !junk && mail.invitation().isPresent()) {
            if (authenticated(mail, authentication)) {
                upgrades.offered(c, link, mail.invitation().get(), ownName(c, alias));
            } else {
                LOG.info("legacy relationship {}: ignored the Communicator-Invite of a message whose author {} is not"
                        + " authenticated (dmarc={} spf={} dkim={}); delivered as plain email",
                        link.relationship().id(), mail.author().address(), authentication.dmarc().result().keyword(),
                        authentication.spf().result().keyword(), authentication.dkim().stream()
                                .map(d -> d.result().keyword() + "(" + d.domain() + ")").toList());
            }
        }
    }

    /**
     * Whether a published alias has mail from an author the user blocked (or whose relationship
     * ended) that someone else relays: a mailing list or a forwarder, whose envelope sender is its
     * own bounce address, not the author's. The block is about the author, so the message is not
     * shown; but a refusal goes to the list, which counts it as a bounce of the user's subscription
     * and unsubscribes them after a few. The author's own server sends with the author's address
     * (or {@code <>}): that is refused as before. Only that exact address counts, not its domain:
     * a list or forwarder on the author's own domain (a company's lists@ relaying a colleague)
     * would otherwise be refused and unsubscribe the user just the same. Anyone can write an
     * envelope sender, so a blocked author who sets another one reaches Junk, not the user's
     * folders: the block still keeps them out of sight.
     */
    private boolean relayedFromRefused(Connection c, Alias alias, LegacyIncomingMail mail, ReversePath sender) {
        String author = mail.author().address();
        boolean relayed = sender.addressText().filter(s -> !s.equalsIgnoreCase(author)).isPresent();
        return relayed && alias.target() instanceof AliasTarget.Published
                && (correspondents.find(c, alias.ownerId(), author).filter(LegacyInbound::refuses).isPresent()
                || correspondents.blocksOwnerOf(c, alias.ownerId(), author));
    }

    /**
     * A blocked author's message relayed by a list or forwarder, to Junk with a warning: shown from
     * the correspondent's local alias when there is one (a reply goes to the relationship, which
     * refuses it saying why), else as it came. Nothing is remembered of it, no request opened.
     */
    private void relayedToJunk(Connection c, Alias alias, LegacyIncomingMail mail, byte[] sent, Instant now)
            throws Exception {
        Optional<String> warning = Optional.of("You blocked the author of this message, or ended your conversation"
                + " with them. It came through a mailing list or forwarder, so it is filed here instead of refused:"
                + " a refusal would count against your subscription.");
        Optional<LegacyCorrespondents.Link> known = correspondents.find(c, alias.ownerId(), mail.author().address());
        byte[] shown = known.isPresent()
                ? mail.asFrom(known.get().peerAlias().address().toString(), shownName(mail, known.get()), warning)
                : mail.asReport(warning);
        mailboxes.deliver(c, new Delivery(deliveryId(alias, sent), alias.owner().value(), "Junk", shown, false, now));
    }

    /**
     * The name this message's {@code From} gives its author, as any mail client shows it; the
     * relationship's stored name only when the message gives none. One address may stand for many
     * people: a list that rewrites {@code From} for DMARC ({@code "Fred via dev" <dev@lists…>})
     * sends every author's post from it, and the name stored with the first post named them all.
     */
    private static String shownName(LegacyIncomingMail mail, LegacyCorrespondents.Link link) {
        return mail.author().displayName().orElse(link.relationship().peerName());
    }

    /**
     * Whether this message's author is who the {@code From:} says, by its domain's SPF, DKIM and
     * DMARC: taking up an invitation redirects the relationship's mail to the inviter's gateway, so
     * only the correspondent's own domain may offer one. Anyone can write a {@code From:} and a
     * {@code MAIL FROM}; an unauthenticated invitation would let them take the correspondent's place.
     * The author the user sees must be the one the MX authenticated.
     */
    private static boolean authenticated(LegacyIncomingMail mail, SenderAuthentication authentication) {
        String address = mail.author().address();
        String authorDomain = address.substring(address.lastIndexOf('@') + 1);
        return authentication.authorVouchesFor(LegacyOutgoingMail.INVITE_FIELD)
                && authentication.dmarc().fromDomain().equalsIgnoreCase(authorDomain);
    }

    /**
     * Whether mail no person wrote (a null reverse path, RFC 5321 §4.5.5; an {@code Auto-Submitted}
     * field other than {@code no}, RFC 3834) is filed as it came ({@link #asItCame}) rather than as
     * a correspondent's: when its author is no correspondent {@code alias} takes mail from. Except
     * a service's notification to a published address ({@code Auto-Submitted: auto-generated} with
     * its own envelope sender: an issue tracker's, a shop's) that answers nothing the user sent: the
     * user gave out the address for such mail, so it is a stranger's, a request the user can
     * accept, not Junk for ever. A null sender's mail cannot be a conversation (nothing may answer
     * it), and an outward alias takes no stranger's.
     */
    private boolean nobodysConversation(Connection c, Alias alias, LegacyIncomingMail mail, ReversePath sender) {
        boolean nullSender = sender instanceof ReversePath.Null;
        if (!nullSender && !mail.isAutomatic() || fromItsCorrespondent(c, alias, mail)) {
            return false;
        }
        return nullSender || alias.target() instanceof AliasTarget.Outward || namesSent(c, alias, mail);
    }

    /** Whether {@code mail} names a message the user sent as plain email (only such an id counts). */
    private boolean namesSent(Connection c, Alias alias, LegacyIncomingMail mail) {
        return correspondents.sentAny(c, alias.ownerId(), mail.liaisonMessageIds());
    }

    /**
     * Whether {@code mail}'s author is a correspondent that {@code alias} takes mail from: any
     * known one through a published alias, only its own through an outward one.
     */
    private boolean fromItsCorrespondent(Connection c, Alias alias, LegacyIncomingMail mail) {
        Optional<LegacyCorrespondents.Link> known = correspondents.find(c, alias.ownerId(), mail.author().address());
        return alias.target() instanceof AliasTarget.Outward outward
                ? known.filter(k -> k.relationship().id() == outward.relationshipId()).isPresent()
                : known.isPresent();
    }

    /**
     * Mail no person of a relationship wrote: a mail server's report on mail the user sent (RFC
     * 3464 bounce, RFC 8098 receipt), and other mail with a null reverse path (RFC 5321 §4.5.5:
     * a qmail-style plain-text bounce, a vacation reply) or an {@code Auto-Submitted} field (RFC 3834)
     * whose author is not a correspondent this alias takes mail from ({@link #nobodysConversation}). It comes from
     * {@code MAILER-DAEMON@} or {@code noreply@} addresses the user never wrote to, to the address
     * the mail left from, outward aliases included; refusing it loses the news that the user's mail
     * failed or that its reader is away. Filed as it came, opening no relationship and counting
     * against no cap. What the user refused stays refused: a blocked or ended relationship's alias,
     * a blocked author. Mail that names no message the user sent as plain email (an auto-reply's
     * {@code In-Reply-To}, a bounce's returned header would) may be anyone's mail dressed as one: it
     * goes to Junk, with a warning. Any sender can write an id of the form Liaison's have; only one
     * the user sent ({@link LegacyCorrespondents#sentAny}) counts.
     */
    private void asItCame(Connection c, Alias alias, LegacyIncomingMail mail, byte[] sent, boolean junk,
                          boolean report, Instant now) throws Exception {
        Optional<LegacyCorrespondents.Link> through = outwardOf(c, alias);
        Optional<LegacyCorrespondents.Link> author = correspondents.find(c, alias.ownerId(), mail.author().address());
        if (through.filter(LegacyInbound::refuses).isPresent() || author.filter(LegacyInbound::refuses).isPresent()
                || correspondents.blocksOwnerOf(c, alias.ownerId(), mail.author().address())) {
            throw new RefusedMessageException(550, "5.7.1", NOT_FROM_THIS_SENDER);
        }
        boolean ours = namesSent(c, alias, mail);
        Optional<String> warning = ours ? Optional.empty() : Optional.of(report
                ? "This claims to be a mail server's report on a message you sent, but it names none"
                + " of your messages: it may be unsolicited mail."
                : "This is an automatic message (a bounce or an auto-reply, by its null sender or its Auto-Submitted"
                + " field), but it names none of the messages you sent: it may be unsolicited mail.");
        String id = "report:" + HexFormat.of().formatHex(digest(alias.address().toString(), sent));
        String folder = junk || warning.isPresent() ? "Junk" : "INBOX";
        mailboxes.deliver(c, new Delivery(id, alias.owner().value(), folder, mail.asReport(warning), false, now));
    }

    /** The relationship this message belongs to; a stranger's first message to a published alias opens one. */
    private LegacyCorrespondents.Link route(Connection c, Alias alias, LegacyIncomingMail.Author author)
            throws RefusedMessageException, SQLException {
        Optional<LegacyCorrespondents.Link> known = correspondents.find(c, alias.ownerId(), author.address());
        if (alias.target() instanceof AliasTarget.Outward outward) {
            Optional<LegacyCorrespondents.Link> through = outwardOf(c, alias);
            if (through.filter(LegacyInbound::refuses).isPresent()) {
                return through.get(); // its relationship was blocked or ended (and maybe replaced): refused as such
            }
            if (known.isEmpty() || known.get().relationship().id() != outward.relationshipId()) {
                throw new RefusedMessageException(550, "5.7.1", "this address takes mail from one correspondent only");
            }
            return known.get();
        }
        if (known.isPresent()) {
            return known.get();
        }
        // The cap is on new authors, so the From decides (the RCPT, seeing only the envelope sender, takes all):
        // a 450 after DATA makes the sending server retry later, as one at RCPT would.
        // Deliveries to one alias count one after another, so parallel ones cannot all see room for one more.
        lockRequests(c, alias);
        if (correspondents.recentRequests(c, alias, clock.instant()) >= NEW_SENDERS_PER_HOUR) {
            throw new RefusedMessageException(450, "4.2.1", "too many new senders for this address; try again later");
        }
        String name = author.displayName().orElse(author.address());
        return correspondents.open(c, alias.owner(), author.address(), name, RelationshipState.REQUESTED,
                Optional.of(alias));
    }

    /** Until this transaction ends, no other opens a request through {@code alias}. */
    private static void lockRequests(Connection c, Alias alias) throws SQLException {
        try (var s = c.prepareStatement("SELECT pg_advisory_xact_lock(?, ?)")) {
            s.setInt(1, REQUESTS_LOCK);
            s.setInt(2, Long.hashCode(alias.id()));
            s.execute();
        }
    }

    /** RFC 5321 §4.5.1: postmaster@ this domain, in any letter case. */
    private boolean isPostmaster(EmailAddress recipient) {
        return postmaster.named(recipient);
    }

    /**
     * Why the MX would refuse mail to postmaster@ now, said for the administrator's log at start-up;
     * empty when the configured user takes it. RFC 5321 §4.5.1 asks every mail domain to take it
     * (bounces, abuse reports), and the setting is optional, so an unset one is said, not refused.
     */
    public Optional<String> postmasterProblem() {
        if (postmaster.login().isEmpty()) {
            return Optional.of("postmaster is not set, so the MX refuses mail to postmaster@" + domain
                    + " (RFC 5321 section 4.5.1 asks every mail domain to take it: bounces, abuse reports);"
                    + " set postmaster (LIAISON_POSTMASTER) to the login of the user who reads it");
        }
        Login login = postmaster.login().get();
        return db.inTransaction(c -> postmasterUser(c).isPresent() ? Optional.<String>empty()
                : Optional.of("postmaster names " + login + ", who is not an active user, so the MX refuses mail to"
                        + " postmaster@" + domain + " until that user is added (liaison user add " + login
                        + ") or postmaster names another"));
    }

    /** The configured postmaster, if that user exists and is active. */
    private Optional<Login> postmasterUser(Connection c) {
        return postmaster.mailbox(c);
    }

    /**
     * Mail to the postmaster (bounces, abuse reports, a sender's question) as it came, trace and
     * verdict fields included: an administrator's mailbox, so no relationship is opened and the
     * sender's address is not hidden behind an alias.
     */
    private void toPostmaster(Connection c, byte[] raw, byte[] sent, boolean junk, Instant now)
            throws Exception {
        Login login = postmasterUser(c).orElseThrow(() -> new RefusedMessageException(550, "5.1.1",
                "no postmaster mailbox here any more"));
        String id = "postmaster:" + HexFormat.of().formatHex(digest(login.value(), sent));
        mailboxes.deliver(c, new Delivery(id, login.value(), junk ? "Junk" : "INBOX", raw, false, now));
    }

    /** How the user appears in a relationship upgraded from here: their display name, never the login. */
    private String ownName(Connection c, Alias alias) {
        return users.find(c, alias.owner()).flatMap(User::shownName).orElse(""); // never the login
    }

    /**
     * The relationship an outward alias belongs to. After an end, the correspondent's current
     * relationship may be a new one (the user wrote to them again, from a new outward alias): the
     * old alias still answers for the ended one, which refuses mail.
     */
    private Optional<LegacyCorrespondents.Link> outwardOf(Connection c, Alias alias) {
        return alias.target() instanceof AliasTarget.Outward outward
                ? correspondents.ofRelationship(c, outward.relationshipId()) : Optional.empty();
    }

    private static boolean refuses(LegacyCorrespondents.Link link) {
        RelationshipState state = link.relationship().state();
        return state == RelationshipState.BLOCKED || state == RelationshipState.ENDED;
    }

    /**
     * An active published or outward alias of this gateway; nothing else takes plain email. A
     * disabled owner's are active too: a disabled user keeps receiving ({@link Alias#receives}).
     */
    /**
     * A published address that is disabled: it was given to the public, so saying it is off
     * ({@code 5.2.1}) tells no more than the address did. Private, removed and relationship aliases
     * stay "no such address" ({@code 5.1.1}): the MX never took their mail.
     */
    private boolean disabledPublished(Connection c, EmailAddress recipient) {
        if (!recipient.domain().equalsIgnoreCase(domain)) {
            return false;
        }
        try {
            return aliases.find(c, AliasAddress.of(recipient.localPart(), recipient.domain()))
                    .filter(a -> a.state() == AliasState.DISABLED && a.target() instanceof AliasTarget.Published)
                    .isPresent();
        } catch (InvalidAliasException e) {
            return false;
        }
    }

    private Optional<Alias> find(Connection c, EmailAddress recipient) {
        if (!recipient.domain().equalsIgnoreCase(domain)) {
            return Optional.empty();
        }
        try {
            return aliases.find(c, AliasAddress.of(recipient.localPart(), recipient.domain()))
                    .filter(Alias::receives)
                    .filter(a -> a.target() instanceof AliasTarget.Published || a.target() instanceof AliasTarget.Outward);
        } catch (InvalidAliasException e) {
            return Optional.empty();
        }
    }

    /**
     * A sender's retry is a new SMTP transaction with the same message: the key is the alias plus the
     * SHA-256 of the message as the server sent it ({@link InboundMessage#clientMessage}, without the
     * trace written here, which differs in every transaction), so the second copy is recognised and
     * not filed again. Another message is filed, also one that reuses a {@code Message-ID} (a mailer
     * that reuses ids, a list's second post under one): keyed by the id alone, it was answered
     * {@code 250} and dropped.
     */
    private static String deliveryId(Alias alias, byte[] sent) {
        return "legacy:" + HexFormat.of().formatHex(digest(alias.address().toString(), sent));
    }

    private static byte[] digest(String mailbox, byte[] sent) {
        MessageDigest sha = sha256();
        sha.update("liaison inbound v2".getBytes(StandardCharsets.US_ASCII));
        sha.update((byte) 0);
        sha.update(mailbox.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(sent);
        return sha.digest();
    }

    /**
     * What tells the message apart from others: the SHA-256 of the octets the server sent. A message
     * without a {@code Message-ID} is told apart by its transaction too: a device that sends the same
     * alert octet for octet (no {@code Date}, no id) sends a new message each time, and its mail
     * would otherwise be answered {@code 250} and dropped for good; such a sender's retry is filed twice.
     */
    private static byte[] sent(InboundMessage message, byte[] raw, LegacyIncomingMail mail) {
        MessageDigest sha = sha256();
        sha.update(raw, message.addedOctets(), raw.length - message.addedOctets());
        if (mail.messageId().isEmpty()) {
            sha.update(message.id().getBytes(StandardCharsets.UTF_8));
        }
        return sha.digest();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("SHA-256 is always available", e);
        }
    }
}
