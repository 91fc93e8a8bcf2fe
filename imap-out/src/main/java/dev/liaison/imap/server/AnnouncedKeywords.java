package dev.liaison.imap.server;

import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapProcessor.Responder;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.message.response.FetchResponse;
import org.apache.james.imap.message.response.FlagsResponse;
import org.apache.james.imap.message.response.UnpooledStatusResponseFactory;

import javax.mail.Flags;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

/**
 * The keywords the client was told are defined in its selected mailbox (its last {@code * FLAGS}),
 * so that a keyword is announced in {@code * FLAGS} and {@code * OK [PERMANENTFLAGS …]} before
 * the first FETCH that shows it (RFC 3501 §7.2.6, RFC 9051 §7.3.5: the FLAGS response is sent
 * when the set of flags defined in the mailbox changes; Dovecot does so), and that no FLAGS
 * takes back a keyword the client was told of, or repeats what it was told.
 *
 * <p>Why: James's selected mailbox keeps one "new keyword" marker and a set of applicable flags,
 * and gets both wrong under several sessions. A message another session appends with a keyword
 * never updates them ({@code SelectedMailboxImpl.handleAddition} reads UIDs only), so its FETCH
 * showed {@code $NewKeyword} unannounced and the next FLAGS James sent left it out (a client
 * replaces its list with each FLAGS). A flag change without a new keyword after one with a new
 * keyword clears the marker ({@code ApplicableFlags.updateWithNewFlags} keeps only its own
 * answer), and so does the reset at the end of James's unsolicited responses for a keyword heard
 * while they read flags — the change {@link FlagChanges} then reports with no FLAGS before it.
 * And SELECT leaves the marker set when the folder has keywords (the set is filled from nothing
 * at selection), so the first command after it that reports changes (NOOP, FETCH, STORE, IDLE…)
 * repeated the FLAGS and PERMANENTFLAGS the SELECT had just sent.
 *
 * <p>How: {@link AnnouncedExists} hands this every response the session writes. A FETCH showing a
 * keyword the client was not told of is preceded by FLAGS and PERMANENTFLAGS naming every keyword
 * told so far, the mailbox's and the FETCH's. James's own FLAGS outside SELECT and EXAMINE is
 * left out, with the PERMANENTFLAGS after it, when it names nothing new, and otherwise names
 * what was told too; each PERMANENTFLAGS that allows new keywords ({@code \*}) names the same
 * keywords as the FLAGS before it. Known per selection (the selected mailbox object).
 */
final class AnnouncedKeywords {

    private static final String ATTRIBUTE = "liaison.announced-keywords";
    private static final String PERMANENT_FLAGS = "PERMANENTFLAGS";
    private static final StatusResponseFactory RESPONSES = new UnpooledStatusResponseFactory();
    private final ImapSession session;
    /** The selection {@link #told} belongs to; guarded by this. */
    private SelectedMailbox selection;
    /** Keywords are compared without regard to case, as javax.mail's {@code Flags} does. */
    private final Set<String> told = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    /** A FLAGS naming nothing new was left out: so is the PERMANENTFLAGS James sends right after it. */
    private boolean skipPermanentFlags;

    private AnnouncedKeywords(ImapSession session) {
        this.session = session;
    }

    static AnnouncedKeywords of(ImapSession session) {
        synchronized (session) {
            if (session.getAttribute(ATTRIBUTE) instanceof AnnouncedKeywords keywords) {
                return keywords;
            }
            AnnouncedKeywords keywords = new AnnouncedKeywords(session);
            session.setAttribute(ATTRIBUTE, keywords);
            return keywords;
        }
    }

    /**
     * What to write instead of {@code message} (itself, a FLAGS or PERMANENTFLAGS naming what was
     * told, or null: nothing); for a FETCH showing a keyword not told yet, FLAGS and PERMANENTFLAGS
     * go to {@code out} first. {@code selecting}: the command is a SELECT or EXAMINE, whose FLAGS
     * always goes out; {@code readOnly}: the selection's PERMANENTFLAGS are {@code ()}
     * ({@link ReadOnlySelection}).
     */
    synchronized ImapResponseMessage respond(ImapResponseMessage message, boolean selecting, boolean readOnly,
                                             Responder out) {
        boolean skip = skipPermanentFlags;
        skipPermanentFlags = false;
        if (message instanceof FlagsResponse flags) {
            return flags(flags, selecting);
        }
        if (isPermanentFlags(message)) {
            return skip ? null : withToldKeywords((StatusResponse) message);
        }
        if (message instanceof FetchResponse fetch && fetch.getFlags() != null) {
            announce(fetch.getFlags(), readOnly, out);
        }
        return message;
    }

    /** James's FLAGS naming every keyword told; none, outside SELECT and EXAMINE, when it names nothing new. */
    private ImapResponseMessage flags(FlagsResponse james, boolean selecting) {
        Set<String> named = keywords(james.getFlags());
        if (!selecting && sameSelection() && told.containsAll(named)) {
            skipPermanentFlags = true;
            return null;
        }
        if (!sameSelection()) {
            selection = session.getSelected();
            told.clear();
        }
        told.addAll(named);
        return new FlagsResponse(withTold(james.getFlags()));
    }

    /** James's PERMANENTFLAGS naming the keywords told; {@code ()} (read-only) stays as it is. */
    private ImapResponseMessage withToldKeywords(StatusResponse james) {
        if (james.getResponseCode().getParameters().stream().noneMatch("\\*"::equals) || !sameSelection()) {
            return james;
        }
        return permanentFlags(false);
    }

    /** FLAGS and PERMANENTFLAGS before a FETCH that shows a keyword the client was not told of. */
    private void announce(Flags shown, boolean readOnly, Responder out) {
        SelectedMailbox selected = session.getSelected();
        String[] shownKeywords = shown.getUserFlags();
        if (selected == null || shownKeywords.length == 0
                || (sameSelection() && told.containsAll(Arrays.asList(shownKeywords)))) {
            return;
        }
        Set<String> keywords = keywords(shown);
        if (!sameSelection()) {
            selection = selected;
            told.clear();
        }
        told.addAll(keywords(selected.getApplicableFlags()));
        told.addAll(keywords);
        out.respond(new FlagsResponse(withTold(selected.getApplicableFlags())));
        out.respond(permanentFlags(readOnly));
    }

    private StatusResponse permanentFlags(boolean readOnly) {
        if (readOnly) {
            return ReadOnlySelection.noPermanentFlags(RESPONSES);
        }
        SelectedMailbox selected = session.getSelected();
        Flags permanent = selected.getMessageManager().getPermanentFlags(session.getMailboxSession());
        if (permanent.contains(Flags.Flag.USER)) {
            permanent = withTold(permanent);
        }
        return RESPONSES.untaggedOk(HumanReadableText.permanentFlags(permanent),
                StatusResponse.ResponseCode.permanentFlags(permanent));
    }

    /** The system flags of {@code flags} but \Recent, and every keyword told. */
    private Flags withTold(Flags flags) {
        Flags all = new Flags();
        for (Flags.Flag flag : flags.getSystemFlags()) {
            all.add(flag);
        }
        all.remove(Flags.Flag.RECENT);
        told.forEach(all::add);
        return all;
    }

    private boolean sameSelection() {
        return selection != null && selection == session.getSelected();
    }

    private static Set<String> keywords(Flags flags) {
        Set<String> keywords = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        keywords.addAll(Arrays.asList(flags.getUserFlags()));
        return keywords;
    }

    private static boolean isPermanentFlags(ImapResponseMessage message) {
        return message instanceof StatusResponse status && status.getTag() == null
                && status.getResponseCode() != null && PERMANENT_FLAGS.equals(status.getResponseCode().getCode());
    }
}
