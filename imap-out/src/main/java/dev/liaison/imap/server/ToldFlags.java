package dev.liaison.imap.server;

import org.apache.james.imap.message.response.FetchResponse;

import javax.mail.Flags;
import java.util.Arrays;
import java.util.Locale;

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

    private static final long NO_MODSEQ = Long.MIN_VALUE;

    /**
     * By message sequence number (dense: 1 to the folder's count), a fingerprint of the flags the
     * message was last shown with (0: not shown) and that line's MODSEQ. A fingerprint, not the
     * {@code Flags}: a {@code FETCH 1:* (UID FLAGS)} of a 100,000-message folder, which mbsync and
     * Thunderbird send on every sync, kept 15–38 MB of {@code Flags} per answer; this is 16 bytes a
     * message. Two different sets of flags share a fingerprint with a chance of 2^-63. Guarded by this.
     */
    private long[] flags = new long[0];
    private long[] modSeqs = new long[0];

    /** Whether {@code fetch} only repeats what this answer last showed of its message; else it is noted as shown. */
    synchronized boolean repeats(FetchResponse fetch) {
        if (fetch.getFlags() == null) {
            return false;
        }
        int msn = fetch.getMessageNumber().asInt();
        if (msn < 1) {
            return false;
        }
        long now = fingerprint(fetch.getFlags(), fetch.getUid() != null);
        long modSeq = fetch.getModSeq() == null ? NO_MODSEQ : fetch.getModSeq().asLong();
        if (msn < flags.length && flags[msn] == now && onlyFlags(fetch)
                && (modSeq == NO_MODSEQ || modSeq == modSeqs[msn])) {
            return true;
        }
        if (msn >= flags.length) {
            int length = Math.max(msn + 1, flags.length * 2);
            flags = Arrays.copyOf(flags, length);
            modSeqs = Arrays.copyOf(modSeqs, length);
        }
        flags[msn] = now;
        modSeqs[msn] = modSeq;
        return false;
    }

    /** Messages were renumbered. */
    synchronized void expunged() {
        flags = new long[0];
        modSeqs = new long[0];
    }

    /**
     * System flags by bit and keywords without regard to case (as {@code Flags.equals} compares
     * them), in any order, and whether the line names the UID (a line that adds the UID a client
     * asked for is no repeat of one without), mixed into 64 bits that are never 0.
     */
    static long fingerprint(Flags shown, boolean withUid) {
        long h = mix(flagBits(shown) + (withUid ? 129 : 1));
        for (String keyword : shown.getUserFlags()) {
            h += mix(keyword.toLowerCase(Locale.ROOT).hashCode() * 0xC2B2AE3D27D4EB4FL + keyword.length());
        }
        h = mix(h);
        return h == 0 ? 1 : h;
    }

    private static long flagBits(Flags flags) {
        long bits = 0;
        for (Flags.Flag flag : flags.getSystemFlags()) {
            bits |= flag == Flags.Flag.ANSWERED ? 1 : flag == Flags.Flag.DELETED ? 2 : flag == Flags.Flag.DRAFT ? 4
                    : flag == Flags.Flag.FLAGGED ? 8 : flag == Flags.Flag.RECENT ? 16 : flag == Flags.Flag.SEEN ? 32 : 64;
        }
        return bits;
    }

    /** SplitMix64's finaliser: every input bit moves every output bit. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static boolean onlyFlags(FetchResponse fetch) {
        return fetch.getEnvelope() == null && fetch.getBody() == null && fetch.getBodyStructure() == null
                && (fetch.getElements() == null || fetch.getElements().isEmpty()) && fetch.getInternalDate() == null
                && fetch.getSize() == null && fetch.getEmailId() == null && fetch.getThreadId() == null
                && (fetch.getSaveDate() == null || fetch.getSaveDate().isEmpty());
    }
}
