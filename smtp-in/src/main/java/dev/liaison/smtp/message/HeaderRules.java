package dev.liaison.smtp.message;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a service does with the header fields of the messages it receives, decided field by field
 * while the message streams in (so a dropped field is never stored).
 *
 * <p>Submission drops {@code Bcc:} and {@code Resent-Bcc:} (RFC 5322 §3.6.3: the blind copies must
 * not show) and refuses a header-section line that is neither a field nor a continuation: taken as
 * the start of the body, as the MX does, it would carry the fields after it (a {@code Bcc:} among
 * them) into the body, past every rule and every whitelist, to the recipient. A mail client never
 * writes one. The inbound MX drops every {@code Authentication-Results:} field that claims to come
 * from this host or from the mail domains it serves (RFC 8601 §5: a sender could otherwise forge
 * the verdict we are about to add, or one a filter trusts because it names the user's own domain).
 *
 * <p>The MX takes 8-bit header text only as UTF-8 (RFC 6532), with or without the SMTPUTF8
 * parameter, as Postfix does: Gmail and other large senders write raw UTF-8 subjects and display
 * names to servers that offer SMTPUTF8. Header text that is 8-bit but not UTF-8 (raw Latin-1, a
 * broken sequence) is refused ({@code 554 5.6.0}): no standard lets a reader know its charset, so
 * the user's client and the IMAP side would each guess, and show replacement characters at best.
 * Submission takes any 8-bit text: scripts, printers and {@code mail -s} write raw UTF-8 subjects, and mail to
 * the user's own aliases or to relationships carries them fine. The gateway refuses it only where it
 * would leave as plain email, which strict receivers (this MX among them) refuse.
 *
 * <p>Both services refuse a message that has one of the fields RFC 5322 §3.6 allows at most once
 * ({@link #ONCE_ONLY}) twice ({@code 554 5.6.0}): with two {@code From:} fields a client shows one
 * while DMARC checks the other, and two {@code Message-ID:}, {@code Date:} or {@code Subject:} fields
 * leave each reader to pick its own. The obsolete syntax (§4.5) let them repeat; no mail program of
 * this century writes that, and large receivers refuse it too. {@code Resent-*} fields are not
 * counted: they repeat as one block per resending (§3.6.6); nor are {@code Bcc:} fields at
 * submission, which are dropped there and reach no reader.
 */
public final class HeaderRules {

    private static final String AUTHENTICATION_RESULTS = "Authentication-Results";
    /** RFC 5322 §3.6's table: the fields a message may have at most once. */
    static final List<String> ONCE_ONLY = List.of("Date", "From", "Sender", "Reply-To", "To", "Cc", "Bcc",
            "Message-ID", "In-Reply-To", "References", "Subject");

    private final boolean dropsBcc;
    /** Authserv-ids whose verdicts only this host may give: its name, the served domains and names under them. */
    private final String authservId;
    private final List<String> ownDomains;
    private final boolean eightBitAllowed;
    private final boolean strayLinesRefused;

    private HeaderRules(boolean dropsBcc, String authservId, Set<String> ownDomains, boolean eightBitAllowed,
                        boolean strayLinesRefused) {
        this.dropsBcc = dropsBcc;
        this.authservId = authservId;
        this.ownDomains = ownDomains.stream().map(d -> d.toLowerCase(Locale.ROOT)).toList();
        this.eightBitAllowed = eightBitAllowed;
        this.strayLinesRefused = strayLinesRefused;
    }

    /**
     * Drops {@code Bcc:} and {@code Resent-Bcc:}; 8-bit header text passes; a header-section line
     * that is not a field refuses the message.
     */
    public static HeaderRules forSubmission() {
        return new HeaderRules(true, "", Set.of(), true, true);
    }

    /**
     * Drops {@code Authentication-Results:} fields whose authserv-id is {@code hostname}, one of
     * {@code domains} or a name under one of them; refuses 8-bit header text that is not UTF-8.
     */
    public static HeaderRules forInbound(String hostname, Set<String> domains) {
        if (hostname == null || hostname.isEmpty()) {
            throw new IllegalArgumentException("the inbound header rules need this host's name");
        }
        return new HeaderRules(false, hostname, domains, false, false);
    }

    /** Whether header text may hold any 8-bit octets; if not, 8-bit text must be UTF-8 (RFC 6532). */
    boolean eightBitAllowed() {
        return eightBitAllowed;
    }

    /**
     * Whether a header-section line that is neither a field nor a continuation refuses the message;
     * otherwise it starts the body, as in Postfix.
     */
    boolean strayLinesRefused() {
        return strayLinesRefused;
    }

    /** The field's place in {@link #ONCE_ONLY} (any letter case), or -1 if it may repeat. */
    static int onceOnlyIndex(String name) {
        for (int i = 0; i < ONCE_ONLY.size(); i++) {
            if (ONCE_ONLY.get(i).equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    /** Whether the field named {@code name}, whose whole text (folds and CRLF included) is {@code field}, leaves the message. */
    boolean drops(String name, OctetBuffer field) {
        if (blindCopy(name)) {
            return true;
        }
        if (authservId.isEmpty() || !name.equalsIgnoreCase(AUTHENTICATION_RESULTS)) {
            return false;
        }
        String text = field.text();
        return claimsToBeOurs(authservId(text, text.indexOf(':') + 1)); // white space may precede the ':'
    }

    private boolean claimsToBeOurs(String id) {
        if (id.equalsIgnoreCase(authservId)) {
            return true;
        }
        String lower = id.toLowerCase(Locale.ROOT);
        return ownDomains.stream().anyMatch(d -> lower.equals(d) || lower.endsWith("." + d));
    }

    /**
     * Whether the field named {@code name} lists blind-copy recipients that these rules drop: kept
     * aside for the sender's own copy ({@link MessageDraft#blindCopyFields}), never delivered.
     */
    boolean blindCopy(String name) {
        return dropsBcc && (name.equalsIgnoreCase("Bcc") || name.equalsIgnoreCase("Resent-Bcc"));
    }

    /**
     * The authserv-id of an {@code Authentication-Results:} field (RFC 8601 §2.2): the first value
     * after the colon, skipping white space, folds and comments; quotes and a final root dot removed.
     */
    static String authservId(String field, int valueStart) {
        int i = skipCfws(field, valueStart);
        if (i < field.length() && field.charAt(i) == '"') {
            int close = field.indexOf('"', i + 1);
            return withoutRootDot(field.substring(i + 1, close < 0 ? field.length() : close));
        }
        int end = i;
        while (end < field.length() && ";( \t\r\n".indexOf(field.charAt(end)) < 0) {
            end++;
        }
        return withoutRootDot(field.substring(i, end));
    }

    private static int skipCfws(String text, int from) {
        int i = from;
        int depth = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')' && depth > 0) {
                depth--;
            } else if (depth == 0 && " \t\r\n".indexOf(c) < 0) {
                return i;
            }
            i++;
        }
        return i;
    }

    private static String withoutRootDot(String name) {
        String trimmed = name.strip();
        return (trimmed.endsWith(".") ? trimmed.substring(0, trimmed.length() - 1) : trimmed).toLowerCase(Locale.ROOT);
    }
}
