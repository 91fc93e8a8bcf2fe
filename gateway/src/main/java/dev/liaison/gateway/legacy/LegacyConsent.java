package dev.liaison.gateway.legacy;

import dev.liaison.imap.delivery.MailboxDelivery;
import dev.liaison.imap.delivery.Refiled;
import dev.liaison.imap.delivery.Refiling;
import dev.liaison.mapping.alias.Alias;
import dev.liaison.mapping.alias.AliasAddress;
import dev.liaison.mapping.alias.AliasStore;
import dev.liaison.mapping.alias.AliasTarget;
import dev.liaison.mapping.alias.InvalidAliasException;
import dev.liaison.mapping.alias.PostgresAliasStore;
import dev.liaison.mapping.correspondent.LegacyCorrespondentStore;
import dev.liaison.mapping.relationship.Relationship;
import dev.liaison.mapping.relationship.RelationshipState;
import dev.liaison.mapping.relationship.InvalidRelationshipException;
import dev.liaison.mapping.relationship.UnknownRelationshipException;
import dev.liaison.mapping.user.Login;
import dev.liaison.mapping.user.PostgresUserStore;
import dev.liaison.mapping.user.User;
import dev.liaison.mapping.user.UserStore;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.InternetHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A user's answer to a stranger's request (a legacy relationship in REQUESTED), in whichever way
 * they give it: writing back, {@code liaison relationship accept|block}, or moving the request out
 * of {@code Requests} in the mail client — to INBOX to accept, to Junk to refuse (as a block).
 * Accepting also accepts the invitation the correspondent's gateway offered meanwhile, so the
 * conversation upgrades at once. Either answer also files the correspondent's other messages still
 * waiting in {@code Requests}: to INBOX on acceptance, to Junk on refusal, as a screener does (the
 * user answered for the person, not for one message). Everything happens in the caller's
 * transaction (for a move: the transaction that files the message).
 *
 * <p>Lock order: an answer takes the rows of the folders it files into ({@link #lockFolders})
 * before the relationship row, as the MX's delivery of the correspondent's next message does (it
 * holds the Requests row it filed into when {@code mapping.legacy_received_ids}' foreign key
 * takes its share of the relationship row), and as a MOVE in the mail client does (its folder
 * rows, then the relationship in {@link #refiled}). Taken the other way round, an answer and a
 * delivery each held what the other wanted, and PostgreSQL failed one of them.
 */
public final class LegacyConsent implements Refiling {

    private static final Logger LOG = LoggerFactory.getLogger(LegacyConsent.class);
    static final String INBOX = "INBOX";
    static final String JUNK = "Junk";

    private final LegacyCorrespondents correspondents;
    private final LegacyUpgrades upgrades;
    private final MailboxDelivery mailboxes;
    private final AliasStore aliases = new PostgresAliasStore();
    private final UserStore users = new PostgresUserStore();
    private final LegacyCorrespondentStore store = new LegacyCorrespondentStore();

    public LegacyConsent(LegacyCorrespondents correspondents, LegacyUpgrades upgrades, MailboxDelivery mailboxes) {
        this.correspondents = correspondents;
        this.upgrades = upgrades;
        this.mailboxes = mailboxes;
    }

    /**
     * {@code owner} accepts the request {@code id}: the correspondent's mail goes to INBOX from now
     * on, and what of it waits in Requests goes there now. Refused unless the relationship is
     * {@code owner}'s and still a request.
     */
    public Relationship accept(Connection c, Login owner, long id) throws SQLException {
        lockFolders(c, owner, INBOX);
        requested(c, owner, id);
        String ownName = users.find(c, owner).flatMap(User::shownName).orElse(""); // never the login
        return consented(c, id, ownName).relationship();
    }

    /**
     * The user answers the legacy relationship {@code id} (writing back, or accepting): a request
     * becomes active, its messages waiting in Requests move to INBOX, and a pending offered
     * invitation is accepted. Returns the link as it is now. The caller answering a request took
     * the folder rows first ({@link #lockFolders}).
     */
    LegacyCorrespondents.Link consented(Connection c, long id, String ownName) throws SQLException {
        Relationship r = correspondents.lock(c, id);
        if (r.state() == RelationshipState.REQUESTED) {
            correspondents.changeState(c, id, RelationshipState.ACTIVE);
            fileRequests(c, r.owner(), id, INBOX);
        }
        LegacyCorrespondents.Link now = correspondents.ofRelationship(c, id).orElseThrow();
        // only an upgrade changes the link (protocol state, upgraded_at): re-read only then
        return upgrades.answered(c, now, ownName) ? correspondents.ofRelationship(c, id).orElseThrow() : now;
    }

    /**
     * {@code owner} refuses the request {@code id}: the sender is refused from now on, as after a
     * block, and what of their mail waits in Requests goes to Junk.
     */
    public Relationship refuse(Connection c, Login owner, long id) throws SQLException {
        lockFolders(c, owner, JUNK);
        requested(c, owner, id);
        Relationship blocked = correspondents.changeState(c, id, RelationshipState.BLOCKED);
        fileRequests(c, owner, id, JUNK);
        return blocked;
    }

    /**
     * Where the MX files a message of request {@code id}, which it read as a request: Requests,
     * unless the user's answer committed since — then where the answer sent the others (INBOX, or
     * Junk on refusal). The state is read again once this delivery holds the rows of Requests and
     * of both folders an answer files into (lower id first, {@link #lockFolders}): an answer takes
     * Requests before it changes the state, so it either committed before (and is read here) or
     * waits for this delivery and then moves the message with the rest. Filed straight where it
     * belongs, the message never holds Requests while waiting for INBOX or Junk, which a MOVE
     * between them in the mail client (INBOX first, the lower id) held.
     */
    String requestFolder(Connection c, Login owner, long id) throws SQLException {
        lockFolders(c, owner, INBOX, JUNK);
        return switch (correspondents.state(c, id)) {
            case ACTIVE -> INBOX;
            case BLOCKED -> JUNK;
            default -> LegacyInbound.REQUESTS;
        };
    }

    /**
     * Locks the rows of {@code owner}'s Requests and {@code folders} (those that exist), lower id
     * first: what an answer does before it locks the relationship row (the class's lock order).
     * The folders are those the answer files into: INBOX or Junk, and Sent for a reply's copy
     * (and both INBOX and Junk for a delivery that may follow an answer, {@link #requestFolder}).
     */
    void lockFolders(Connection c, Login owner, String... folders) throws SQLException {
        List<String> all = new ArrayList<>(List.of(folders));
        all.add(LegacyInbound.REQUESTS);
        mailboxes.lock(c, owner.value(), all);
    }

    /** Whether {@code id} is a stranger's request to {@code owner} still unanswered (what {@link #refuse} takes). */
    public boolean isRequest(Connection c, Login owner, long id) {
        return correspondents.ofRelationship(c, id).map(LegacyCorrespondents.Link::relationship)
                .filter(r -> r.owner().equals(owner) && r.state() == RelationshipState.REQUESTED).isPresent();
    }

    /**
     * Moves the messages of {@code owner}'s Requests shown From request {@code id}'s local alias
     * (how the gateway filed them, and how {@link #refiled} recognises one) to {@code folder}.
     * Only that folder of that user is looked at: mail the user filed elsewhere stays where it is.
     */
    private void fileRequests(Connection c, Login owner, long id, String folder) throws SQLException {
        Optional<AliasAddress> alias = aliases.findByRelationship(c, id).map(Alias::address);
        if (alias.isEmpty()) {
            return;
        }
        int moved = mailboxes.move(c, owner.value(), LegacyInbound.REQUESTS, folder, alias.get().toString(),
                header -> author(header).equals(alias));
        if (moved > 0) {
            LOG.info("legacy relationship {}: moved {} waiting message(s) from {} to {}", id, moved,
                    LegacyInbound.REQUESTS, folder);
        }
    }

    @Override
    public boolean watches(String folder) {
        return INBOX.equals(folder) || JUNK.equals(folder);
    }

    /**
     * A message moved (or copied) out of Requests into INBOX or Junk: if it is a pending request's
     * — shown From the correspondent's local alias of the same user — the move answers it. Any other
     * message, or one whose header cannot be read, is just filed.
     */
    @Override
    public void refiled(Connection c, Refiled message) throws SQLException {
        if (!LegacyInbound.REQUESTS.equals(message.from())) {
            return;
        }
        Login owner = Login.of(message.owner());
        Optional<Long> request = author(message.header())
                .flatMap(address -> aliases.find(c, address))
                .filter(a -> a.owner().equals(owner) && a.target() instanceof AliasTarget.Relationship)
                .map(a -> a.target().relationshipId())
                .filter(id -> correspondents.lock(c, id).state() == RelationshipState.REQUESTED);
        if (request.isEmpty()) {
            return;
        }
        if (INBOX.equals(message.to())) {
            accept(c, owner, request.get());
            LOG.info("legacy relationship {} accepted by moving its request to INBOX", request.get());
        } else {
            refuse(c, owner, request.get());
            LOG.info("legacy relationship {} refused by moving its request to Junk", request.get());
        }
    }

    private Relationship requested(Connection c, Login owner, long id) {
        Relationship r = correspondents.lock(c, id);
        if (!r.owner().equals(owner)) {
            throw new UnknownRelationshipException(id, owner);
        }
        if (r.state() != RelationshipState.REQUESTED || store.ofRelationship(c, id).isEmpty()) {
            throw new InvalidRelationshipException("relationship " + id + " is " + r.state().dbValue()
                    + ", not a stranger's request: accept and refuse answer requests from plain email");
        }
        return r;
    }

    /** The single From address of a stored header section, if it is one of ours to look up. */
    private static Optional<AliasAddress> author(byte[] header) {
        try {
            String[] from = new InternetHeaders(new ByteArrayInputStream(header)).getHeader("From");
            if (from == null || from.length != 1) {
                return Optional.empty();
            }
            InternetAddress[] parsed = InternetAddress.parseHeader(from[0], false);
            return parsed.length == 1 ? Optional.of(AliasAddress.parse(parsed[0].getAddress())) : Optional.empty();
        } catch (MessagingException | InvalidAliasException | IllegalArgumentException e) {
            return Optional.empty(); // not written by the gateway as a request: nothing to answer
        }
    }
}
