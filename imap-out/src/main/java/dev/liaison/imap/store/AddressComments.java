package dev.liaison.imap.store;

import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.Header;
import org.apache.james.mailbox.model.MessageResult;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.dom.address.Address;
import org.apache.james.mime4j.dom.address.Group;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.field.address.LenientAddressParser;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Display names written the legacy way, as a comment after a bare address:
 * {@code From: jdoe@example.net (John Doe)}. RFC 3501 §7.4.2 makes an ENVELOPE address's name
 * the mailbox's phrase, and this form has none, so James answers NIL; RFC 5322 §3.4 calls the
 * form legacy but notes that implementations read the comment as the name, and c-client (UW
 * IMAP) and Dovecot show it in ENVELOPE. We do the same: the last comment after a bare address
 * is its name, RFC 2047 encoded words in it decoded. A name-addr ({@code Name <a@b>}) keeps its
 * phrase; comments there are ignored.
 *
 * <p>Names written in raw 8-bit text (RFC 6532, {@code From: Jürgen <j@x.de>}) are collected too:
 * James reads the header one char per octet and sent such a name as an encoded word of the wrong
 * text ({@code =?ISO-8859-1?Q?J=C3=BCrgen?=}). Here the field is read as UTF-8 ({@link HeaderText})
 * and the name, phrase or comment, is kept for ENVELOPE to send as UTF-8 octets, as Dovecot does.
 *
 * <p>James builds the envelope from headers it parses itself and keeps no comment, so one FETCH
 * collects the names while the store hands out its messages (the collector travels in the Reactor
 * context) and the FETCH processor fills them into the envelopes it writes.
 */
public final class AddressComments {

    private static final String KEY = AddressComments.class.getName();
    private static final Set<String> ADDRESS_FIELDS = Set.of("from", "sender", "reply-to", "to", "cc", "bcc");

    private final Map<MessageUid, Map<String, String>> names = new ConcurrentHashMap<>();
    private final Map<MessageUid, Map<String, String>> eightBitNames = new ConcurrentHashMap<>();

    /** A Reactor context carrying this collector to the store. */
    public Context context() {
        return Context.of(KEY, this);
    }

    static Optional<AddressComments> in(ContextView context) {
        return context.getOrEmpty(KEY);
    }

    /** The comment name of {@code localPart@domain} in message {@code uid}'s address fields, if it was written so. */
    public Optional<String> name(MessageUid uid, String localPart, String domain) {
        return lookUp(names, uid, localPart, domain);
    }

    /**
     * The name, phrase or comment, of {@code localPart@domain} in message {@code uid}'s address
     * fields if the field wrote it with 8-bit octets; as text, not octets.
     */
    public Optional<String> eightBitName(MessageUid uid, String localPart, String domain) {
        return lookUp(eightBitNames, uid, localPart, domain);
    }

    private static Optional<String> lookUp(Map<MessageUid, Map<String, String>> names, MessageUid uid,
                                           String localPart, String domain) {
        Map<String, String> message = names.get(uid);
        if (message == null || localPart == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(message.get(key(localPart + (domain == null ? "" : "@" + domain))));
    }

    void record(MessageResult result) {
        Map<String, String> found = new HashMap<>();
        Map<String, String> eightBit = new HashMap<>();
        try {
            for (Iterator<Header> it = result.getHeaders().headers(); it.hasNext(); ) {
                Header h = it.next();
                if (ADDRESS_FIELDS.contains(h.getName().toLowerCase(Locale.ROOT))) {
                    String text = HeaderText.of(h.getValue());
                    found.putAll(commentNames(text));
                    if (h.getValue().chars().anyMatch(c -> c >= 0x80)) {
                        eightBit.putAll(nonAscii(commentNames(text)));
                        eightBit.putAll(phraseNames(text));
                    }
                }
            }
        } catch (MailboxException e) {
            return; // James's envelope builder reads the same headers and reports the failure
        }
        if (!found.isEmpty()) {
            names.put(result.getUid(), found);
        }
        if (!eightBit.isEmpty()) {
            eightBitNames.put(result.getUid(), eightBit);
        }
    }

    /** addr-spec (lower case) → phrase, for every address with a phrase that is not ASCII. */
    private static Map<String, String> phraseNames(String value) {
        Map<String, String> found = new HashMap<>();
        for (Address address : LenientAddressParser.DEFAULT.parseAddressList(value.replaceAll("\r?\n", ""))) {
            List<Mailbox> mailboxes = address instanceof Group group ? group.getMailboxes()
                    : address instanceof Mailbox mailbox ? List.of(mailbox) : List.of();
            for (Mailbox m : mailboxes) {
                if (m.getName() != null && m.getLocalPart() != null) {
                    found.put(key(m.getLocalPart() + (m.getDomain() == null ? "" : "@" + m.getDomain())), m.getName());
                }
            }
        }
        return nonAscii(found);
    }

    private static Map<String, String> nonAscii(Map<String, String> names) {
        names.values().removeIf(name -> name.chars().allMatch(c -> c < 0x80));
        return names;
    }

    /** addr-spec (lower case) → name, for every bare address with a comment in an address-list value. */
    static Map<String, String> commentNames(String value) {
        Map<String, String> found = new HashMap<>();
        StringBuilder address = new StringBuilder();
        String comment = null;
        boolean angle = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '(') {
                int end = commentEnd(value, i);
                comment = value.substring(i + 1, Math.max(i + 1, end - 1));
                i = end - 1;
            } else if (c == '"') {
                int end = quotedEnd(value, i);
                address.append(value, i, end);
                i = end - 1;
            } else if (c == '<') {
                angle = true;
            } else if (c == ',' || c == ';' || c == ':') {
                add(found, address, comment, angle);
                address.setLength(0);
                comment = null;
                angle = false;
            } else if (!Character.isWhitespace(c)) {
                address.append(c);
            }
        }
        add(found, address, comment, angle);
        return found;
    }

    private static void add(Map<String, String> found, StringBuilder address, String comment, boolean angle) {
        if (angle || comment == null || address.indexOf("@") < 0) {
            return;
        }
        String name = DecoderUtil.decodeEncodedWords(unescaped(comment), DecodeMonitor.SILENT).strip();
        if (!name.isEmpty()) {
            found.put(key(address.toString()), name);
        }
    }

    /** Index after the comment starting at {@code open} (comments nest, RFC 5322 §3.2.2). */
    private static int commentEnd(String s, int open) {
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i + 1;
            }
        }
        return s.length() + 1;
    }

    private static int quotedEnd(String s, int open) {
        for (int i = open + 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                return i + 1;
            }
        }
        return s.length();
    }

    private static String unescaped(String comment) {
        StringBuilder plain = new StringBuilder(comment.length());
        for (int i = 0; i < comment.length(); i++) {
            char c = comment.charAt(i);
            if (c == '\\' && i + 1 < comment.length()) {
                c = comment.charAt(++i);
            }
            plain.append(c == '\r' || c == '\n' || c == '\t' ? ' ' : c);
        }
        return plain.toString();
    }

    private static String key(String addrSpec) {
        return addrSpec.toLowerCase(Locale.ROOT);
    }
}
