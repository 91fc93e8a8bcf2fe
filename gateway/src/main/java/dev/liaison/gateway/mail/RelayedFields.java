package dev.liaison.gateway.mail;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * The header fields that travel between the two ends of a relationship: a whitelist, because a
 * blacklist always misses the next client's {@code X-Whatever-Originating-Host}. Kept are the
 * fields that describe the message itself (subject, date, threading, MIME structure, priority);
 * dropped is everything that names people, accounts or machines: {@code From}, {@code To},
 * {@code Cc}, {@code Sender}, {@code Reply-To}, trace fields, {@code User-Agent}, signatures,
 * list and receipt fields. The receiving gateway writes {@code From} and {@code To} for its user.
 * A top-level {@code Content-ID} is dropped too: nothing refers to a whole message by it, and
 * clients make it from the machine's host name ({@code <x@dana-laptop.internal>}).
 *
 * <p>The fields that keep automatic responders from answering each other travel too, when their
 * value is only their keywords: {@code Auto-Submitted} (RFC 3834: a vacation reply must not answer
 * an {@code auto-replied} message), {@code Precedence} ({@code bulk}, {@code list}, {@code junk},
 * which responders and Exchange honour) and Microsoft's {@code X-Auto-Response-Suppress}. Dropped,
 * two users' out-of-office replies could answer each other for good. An {@code Auto-Submitted}
 * with parameters (RFC 3834 allows them, and they may name someone) is dropped like any other field.
 */
final class RelayedFields {

    private static final Set<String> NAMES = Set.of(
            "subject", "date", "message-id", "in-reply-to", "references",
            "mime-version", "content-type", "content-transfer-encoding", "content-disposition",
            "content-language", "content-description",
            "importance", "priority", "x-priority", "keywords", "comments");

    /** Loop-prevention fields and the values they may carry: keywords only (letters, digits, '-', ',' and spaces). */
    private static final Set<String> KEYWORD_FIELDS = Set.of("auto-submitted", "precedence", "x-auto-response-suppress");
    private static final Pattern KEYWORDS = Pattern.compile("[ \\t]*[A-Za-z0-9-]+(?:[ \\t]*,[ \\t]*[A-Za-z0-9-]+)*[ \\t]*");

    private RelayedFields() {
    }

    /** Whether {@code field} of {@code section} travels to the peer. */
    static boolean relayed(HeaderSection section, HeaderSection.Field field) {
        String name = field.lowerName();
        if (NAMES.contains(name)) {
            return true;
        }
        return KEYWORD_FIELDS.contains(name) && KEYWORDS.matcher(section.value(field)).matches();
    }
}
