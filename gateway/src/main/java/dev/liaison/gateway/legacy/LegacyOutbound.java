package dev.liaison.gateway.legacy;

import dev.liaison.gateway.legacy.delivery.LegacyDeliveryException;
import dev.liaison.gateway.legacy.delivery.LegacyEmailDisabledException;
import dev.liaison.gateway.legacy.delivery.LegacyMessage;
import dev.liaison.gateway.legacy.delivery.LegacyOutbox;
import dev.liaison.gateway.legacy.delivery.OutboundMail;
import dev.liaison.gateway.legacy.delivery.OversizedMessageException;
import dev.liaison.gateway.mail.CorrespondentIds;
import dev.liaison.gateway.mail.LegacyOutgoingMail;
import dev.liaison.gateway.mail.MalformedMailException;
import dev.liaison.gateway.mail.OutgoingMail;
import dev.liaison.mapping.alias.AliasState;
import dev.liaison.mapping.relationship.RelationshipState;
import dev.liaison.mapping.user.Login;
import dev.liaison.smtp.address.AddressRefusedException;
import dev.liaison.smtp.address.EmailAddress;
import dev.liaison.smtp.submission.RefusedSubmissionException;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * A user's submission to a plain-email correspondent: to a correspondent's local alias, or to a
 * plain address written for the first time or again after its relationship ended (which opens an
 * active legacy relationship with a fresh outward alias, or with the user's published alias the
 * message's {@code From} names). The message leaves {@code From} the user's outward alias for that
 * correspondent only (or that published alias), through the legacy outbox, in the submission's
 * transaction. Writing back to a stranger's request accepts it.
 */
public final class LegacyOutbound {

    private final LegacyCorrespondents correspondents;
    private final LegacyOutbox outbox;
    private final LegacyUpgrades upgrades;
    private final LegacyConsent consent;

    public LegacyOutbound(LegacyCorrespondents correspondents, LegacyOutbox outbox, LegacyUpgrades upgrades,
                          LegacyConsent consent) {
        this.correspondents = correspondents;
        this.outbox = outbox;
        this.upgrades = upgrades;
        this.consent = consent;
    }

    /** {@link LegacyCorrespondents#receivedIds}: which of {@code neutrals} the user's correspondents' mail came with. */
    public Map<Long, Map<String, String>> receivedIds(Connection c, long ownerId, Collection<String> neutrals) {
        return correspondents.receivedIds(c, ownerId, neutrals);
    }

    /** Whether plain addresses on other domains may be written to at all. */
    public boolean enabled() {
        return outbox.isEnabled();
    }

    /** The legacy relationship an alias of the user writes to, if it is one. */
    public Optional<LegacyCorrespondents.Link> ofRelationship(Connection c, long relationshipId) {
        return correspondents.ofRelationship(c, relationshipId);
    }

    /**
     * The user's relationship with a plain address, opened now (active, fresh aliases) if there is
     * none, or if the one there was has ended: writing to someone's address is how a mail user starts
     * a conversation, also again after an end (their gateway's or the user's). The ended relationship
     * stays final; the new one has a new correspondent's alias and a new outward alias, so the
     * address the correspondent knew from before stays dead. A blocked one is kept (refused in
     * {@link #beforeSending}): a block is lifted deliberately, not by a message to that address. A
     * new relationship writes from the published alias {@code from} (the message's {@code From})
     * names, if it is an active one of the user's own ({@link LegacyCorrespondents#openByUser}); one
     * that exists keeps the address its correspondent knows.
     */
    public LegacyCorrespondents.Link linkFor(Connection c, Login owner, long ownerId, EmailAddress address,
                                             Optional<String> from) {
        Optional<LegacyCorrespondents.Link> known = correspondents.find(c, ownerId, address.toString());
        if (known.isPresent() && known.get().relationship().state() != RelationshipState.ENDED) {
            return known.get();
        }
        if (known.isPresent() && !correspondents.replace(c, known.get())) {
            // another submission started the new one while this one waited for the row: write through it
            return correspondents.find(c, ownerId, address.toString()).orElseThrow();
        }
        return correspondents.openByUser(c, owner, address.toString(), from);
    }

    /**
     * Before {@link #beforeSending} for any of {@code links} (and before anything else locks a
     * relationship row): if one of them may answer a request — read as requested, or as blocked,
     * which an unblock turns back into a request — the rows of the folders the answer files into
     * (Requests, INBOX, and {@code sent}, where the copy goes) are locked now, in the lock order
     * {@link LegacyConsent} keeps. An ordinary reply to an active correspondent locks nothing here.
     */
    public void beforeAnswering(Connection c, Login owner, Collection<LegacyCorrespondents.Link> links, String sent)
            throws SQLException {
        boolean answering = links.stream().map(l -> l.relationship().state())
                .anyMatch(s -> s == RelationshipState.REQUESTED || s == RelationshipState.BLOCKED);
        if (answering) {
            consent.lockFolders(c, owner, LegacyConsent.INBOX, sent);
        }
    }

    /**
     * The user is about to write through {@code link}: refused if blocked or ended; answering a
     * request accepts it, and accepts the invitation the correspondent's gateway offered meanwhile
     * (the caller called {@link #beforeAnswering} first).
     * Returns the relationship as it is now (upgraded: send it over the Communicator transport).
     */
    public LegacyCorrespondents.Link beforeSending(Connection c, String ownName, LegacyCorrespondents.Link link)
            throws RefusedSubmissionException, SQLException {
        long id = link.relationship().id();
        RelationshipState state = correspondents.lock(c, id).state();
        String address = link.correspondent().address(); // the user's own correspondent: theirs to be told
        if (state == RelationshipState.BLOCKED) {
            throw new RefusedSubmissionException(550, "5.7.1", "You blocked " + address + " (relationship " + id
                    + "): their mail is refused, and nothing is sent to them while the block lasts. To write to them"
                    + " again, have the block lifted (your administrator: liaison relationship unblock " + id
                    + "); nothing was sent");
        }
        if (state == RelationshipState.ENDED) { // it ended after this transaction found it
            throw new RefusedSubmissionException(550, "5.7.1", "Your relationship with " + address + " ended while"
                    + " the message was sent; nothing was sent. Send it again to " + address
                    + " to start a new one");
        }
        return consent.consented(c, id, ownName); // answering a request accepts it
    }

    /**
     * Mail never leaves from an address that refuses the replies: a published alias the
     * administrator disabled or removed while relationships still wrote from it (the alias commands
     * refuse that now; a database from before may hold it) stops their mail, saying what to do.
     */
    private static void refuseUnlessAnswerable(LegacyCorrespondents.Link link) throws RefusedSubmissionException {
        AliasState state = link.outwardAlias().state();
        if (state == AliasState.ACTIVE) {
            return;
        }
        String to = link.correspondent().address();
        long id = link.relationship().id();
        throw new RefusedSubmissionException(550, "5.7.1", "Your mail to " + to + " leaves from "
                + link.outwardAlias().address() + ", which is " + state.dbValue() + ": " + to + "'s replies to it"
                + " would be refused, so nothing was sent. "
                + (state == AliasState.DISABLED ? "Have it enabled again (your administrator: liaison alias enable "
                + link.outwardAlias().address() + "), or have" : "Have")
                + " relationship " + id + " ended (liaison relationship end --user " + link.outwardAlias().owner() + " "
                + id + ") and write to " + to + " again: that starts a new conversation from a new address");
    }

    /** Whether the correspondent is a user of this gateway (an address of the domain the outward alias is on). */
    private static boolean local(LegacyCorrespondents.Link link) {
        String to = link.correspondent().address();
        return to.substring(to.lastIndexOf('@') + 1).equalsIgnoreCase(link.outwardAlias().address().domain());
    }

    /**
     * Sends as plain email through the legacy relationship, offering its invitation, with the ids
     * {@code originals} maps (neutral → as the correspondent wrote it) given back in its
     * {@code In-Reply-To} and {@code References}.
     */
    public void toCorrespondent(Connection c, Login owner, String ownName, LegacyCorrespondents.Link link,
                                OutgoingMail.Prepared prepared, String submissionKey, Map<String, String> originals)
            throws RefusedSubmissionException, SQLException {
        String to = link.correspondent().address();
        String outward = link.outwardAlias().address().toString();
        refuseUnlessAnswerable(link);
        if (!LegacyOutgoingMail.asciiHeader(prepared.sealed())) {
            throw new RefusedSubmissionException(554, "5.6.0", "Plain email to " + to + " cannot carry raw 8-bit"
                    + " header text (RFC 6532): write non-ASCII subjects and names as RFC 2047 encoded-words, as"
                    + " mail clients do; nothing was sent");
        }
        byte[] message;
        Optional<String> messageId;
        try {
            messageId = CorrespondentIds.messageId(prepared.sealed());
            // between two users of this gateway the message never leaves it, and the MX intake takes up no
            // invitation from it (LocalRoute): none is offered
            Optional<String> invitation = local(link) ? Optional.empty() : upgrades.offer(c, link, ownName);
            message = LegacyOutgoingMail.addressed(CorrespondentIds.restored(prepared.sealed(), originals), ownName,
                    outward, to, invitation);
        } catch (MalformedMailException e) {
            throw new RefusedSubmissionException(554, "5.6.0", "The message cannot be sent as email: " + e.getMessage());
        }
        try {
            outbox.enqueue(c, new LegacyMessage(LegacyOutbox.deliveryId(owner.value(), submissionKey, to),
                    new OutboundMail(owner.value(), EmailAddress.parse(outward), EmailAddress.parse(to)), message));
        } catch (LegacyEmailDisabledException e) {
            throw new RefusedSubmissionException(550, "5.7.1", LegacyOutbox.NOT_CONFIGURED);
        } catch (OversizedMessageException e) {
            throw new RefusedSubmissionException(552, "5.3.4", "Message too big for plain email: " + e.getMessage());
        } catch (LegacyDeliveryException e) {
            throw new RefusedSubmissionException(554, "5.6.0", "The message cannot be sent as email: " + e.getMessage());
        } catch (AddressRefusedException e) {
            throw new RefusedSubmissionException(550, "5.1.3", "The correspondent's address cannot be used: "
                    + e.getMessage());
        }
        // a mail server's report on it names this id: it is the user's mail, for INBOX (LegacyInbound)
        messageId.ifPresent(id -> correspondents.sent(c, link.correspondent().ownerId(), id));
    }
}
