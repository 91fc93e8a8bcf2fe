package dev.liaison.imap.server;

import org.apache.james.imap.message.response.FetchResponse;
import org.apache.james.mailbox.ModSeq;

import javax.mail.Flags;
import java.util.HashMap;
import java.util.Map;

/**
 * The flags (and MODSEQ) each message was last shown with in one command's answer, so that a
 * FETCH repeating them is left out.
 *
 * <p>Why: James reports the flag changes other sessions made at the end of every command
 * (unsolicited FETCH responses, read from the store then). When such a change came before a FETCH
 * that reached the message — {@code UID FETCH 1:* (FLAGS) (CHANGEDSINCE n)} while another device
 * works on the folder — the FETCH already showed the message as changed, and the same line came a
 * second time after it (seen by the tester with two sessions on one folder). A repeat is legal but
 * tells the client nothing; Dovecot does not send it.
 *
 * <p>Only a FETCH response carrying flags and nothing else (besides UID and MODSEQ) is left out,
 * and only when the same message number was last shown in this answer with the same flags and the
 * same MODSEQ (a later change, even back to the same flags, has another MODSEQ under CONDSTORE
 * and is written). An EXPUNGE or VANISHED renumbers messages: what was shown before it is forgotten.
 */
final class ToldFlags {

    private record Shown(Flags flags, ModSeq modSeq) {
    }

    /** By message sequence number. Guarded by this. */
    private final Map<Integer, Shown> shown = new HashMap<>();

    /** Whether {@code fetch} only repeats what this answer last showed of its message; else it is noted as shown. */
    synchronized boolean repeats(FetchResponse fetch) {
        if (fetch.getFlags() == null) {
            return false;
        }
        int msn = fetch.getMessageNumber().asInt();
        Shown before = shown.get(msn);
        if (before != null && onlyFlags(fetch) && before.flags().equals(fetch.getFlags())
                && (fetch.getModSeq() == null || fetch.getModSeq().equals(before.modSeq()))) {
            return true;
        }
        shown.put(msn, new Shown(fetch.getFlags(), fetch.getModSeq()));
        return false;
    }

    /** Messages were renumbered. */
    synchronized void expunged() {
        shown.clear();
    }

    private static boolean onlyFlags(FetchResponse fetch) {
        return fetch.getEnvelope() == null && fetch.getBody() == null && fetch.getBodyStructure() == null
                && (fetch.getElements() == null || fetch.getElements().isEmpty()) && fetch.getInternalDate() == null
                && fetch.getSize() == null && fetch.getEmailId() == null && fetch.getThreadId() == null
                && (fetch.getSaveDate() == null || fetch.getSaveDate().isEmpty());
    }
}
