package dev.liaison.imap.server;

import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.FetchData;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.process.ImapProcessor.Responder;
import org.apache.james.mailbox.MailboxManager;

/**
 * SELECT and EXAMINE without {@code * OK [MAILBOXID (…)]} while CAPABILITY does not announce
 * OBJECTID (RFC 8474 §4: the server sends MAILBOXID when it announces the extension; RFC 9051
 * §7.1: response codes of extensions only from servers that announce them).
 *
 * <p>Why: James 3.8.1 leaves OBJECTID out of CAPABILITY when the store does not give messages
 * ids unique across folders ({@code MessageCapabilities.UniqueID}, ours does not claim it), yet
 * {@code AbstractSelectionProcessor} sends the code on every SELECT and EXAMINE. Announcing
 * OBJECTID instead would promise EMAILID and THREADID in FETCH and MAILBOXID in STATUS with the
 * lifetime rules of RFC 8474, which the store does not make; the folder id is also the row key,
 * which tells how many folders the server has made. Should the store claim UniqueID, James
 * announces OBJECTID and the code goes out again.
 */
record UnannouncedMailboxId(Responder responder) implements Responder {

    private static final String MAILBOX_ID = "MAILBOXID";

    /**
     * The refusal of {@code STATUS (MAILBOXID)} and {@code FETCH (EMAILID THREADID)} while OBJECTID
     * is not announced: items of an extension the server does not offer are a client's error
     * (RFC 9051 §7.1), and answering them would give out the folder row key the code above keeps back.
     */
    static final HumanReadableText NOT_ANNOUNCED = new HumanReadableText("liaison.objectid.unannounced",
            "MAILBOXID, EMAILID and THREADID belong to OBJECTID (RFC 8474), which this server does not announce");

    /** Whether CAPABILITY announces OBJECTID: James does when the store claims ids unique across folders. */
    static boolean announced(MailboxManager mailboxes) {
        return mailboxes.getSupportedMessageCapabilities().contains(MailboxManager.MessageCapabilities.UniqueID);
    }

    /** Whether {@code fetch} asks for OBJECTID's items while the extension is not announced. */
    static boolean objectIds(FetchData fetch, MailboxManager mailboxes) {
        return (fetch.contains(FetchData.Item.EMAILID) || fetch.contains(FetchData.Item.THREADID)) && !announced(mailboxes);
    }

    /** {@code responder}, leaving the MAILBOXID code out unless the store makes CAPABILITY announce OBJECTID. */
    static Responder unlessAnnounced(Responder responder, MailboxManager mailboxes) {
        return announced(mailboxes) ? responder : new UnannouncedMailboxId(responder);
    }

    @Override
    public void respond(ImapResponseMessage message) {
        boolean mailboxId = message instanceof StatusResponse status && status.getTag() == null
                && status.getResponseCode() != null && MAILBOX_ID.equals(status.getResponseCode().getCode());
        if (!mailboxId) {
            responder.respond(message);
        }
    }

    @Override
    public void flush() {
        responder.flush();
    }
}
