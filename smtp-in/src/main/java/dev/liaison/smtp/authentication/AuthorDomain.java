package dev.liaison.smtp.authentication;

import dev.liaison.smtp.address.AddressRefusedException;
import dev.liaison.smtp.address.PathParser;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import org.apache.james.mime4j.dom.address.AddressList;
import org.apache.james.mime4j.dom.address.Group;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.dom.address.MailboxList;
import org.apache.james.mime4j.field.address.DefaultAddressParser;

/**
 * Finds the one author domain of a message (RFC 7489 §3.1, §6.6.1): exactly one {@code From:}
 * field holding exactly one mailbox with a DNS domain. Parsed with mime4j's strict RFC 5322
 * address parser, so comments and display names cannot smuggle a second address past it.
 */
final class AuthorDomain {

    private static final String FROM = "From";

    private AuthorDomain() {
    }

    /** @param headerFields the header fields as {@code Name: value}, folds included */
    static String of(List<String> headerFields) throws AuthorAddressException {
        List<String> from = headerFields.stream().filter(AuthorDomain::isFrom).toList();
        if (from.isEmpty()) {
            throw new AuthorAddressException("message has no From: field (RFC 5322 section 3.6)");
        }
        if (from.size() > 1) {
            throw new AuthorAddressException("message has " + from.size()
                    + " From: fields; RFC 5322 section 3.6 allows one");
        }
        String field = from.get(0);
        return domainOf(mailbox(field.substring(field.indexOf(':') + 1)));
    }

    /** A {@code From} field, also with white space before its colon (RFC 5322 §4.5.3), as parsers downstream read it. */
    private static boolean isFrom(String field) {
        int colon = field.indexOf(':');
        return colon >= FROM.length() && field.regionMatches(true, 0, FROM, 0, FROM.length())
                && field.substring(FROM.length(), colon).isBlank();
    }

    /**
     * The one mailbox of the field. mime4j's strict grammar is ASCII, but RFC 6532 header text may
     * be UTF-8 (a display name, a comment, a local part): each non-ASCII character is read as one
     * ASCII letter, which keeps the structure (a letter is text wherever UTF-8 may stand) and changes
     * nothing that counts here. The domain must not depend on it: parsed with two different letters,
     * a domain that differs was written in U-labels, which DMARC cannot look up as written.
     */
    private static Mailbox mailbox(String value) throws AuthorAddressException {
        String text = new String(unfold(value).getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
        Mailbox mailbox = mailbox(text, "a");
        if (!text.chars().allMatch(c -> c < 0x80) && !Objects.equals(mailbox.getDomain(), mailbox(text, "b").getDomain())) {
            throw new AuthorAddressException("From: domain is not ASCII; write it in its A-label (xn--) form"
                    + " (RFC 8616)");
        }
        return mailbox;
    }

    private static Mailbox mailbox(String text, String nonAscii) throws AuthorAddressException {
        AddressList addresses;
        try {
            addresses = DefaultAddressParser.DEFAULT.parseAddressList(text.replaceAll("[^\\x00-\\x7F]", nonAscii));
        } catch (Exception e) {
            // The parser reports bad syntax as ParseException, some lexical errors as runtime exceptions.
            throw new AuthorAddressException("From: field does not parse as an address (RFC 5322 section 3.4)");
        }
        if (addresses.stream().anyMatch(Group.class::isInstance)) {
            // flatten() would make a one-member group look like a mailbox; RFC 5322 §3.6.2 wants a mailbox-list here
            throw new AuthorAddressException("From: field names a group; it must name the author's mailbox"
                    + " (RFC 5322 section 3.6.2)");
        }
        MailboxList mailboxes = addresses.flatten();
        if (mailboxes.size() != 1) {
            throw new AuthorAddressException("From: field names " + mailboxes.size()
                    + " mailboxes; only one author can be authenticated (RFC 7489 section 6.6.1)");
        }
        return mailboxes.get(0);
    }

    private static String domainOf(Mailbox author) throws AuthorAddressException {
        String domain = author.getDomain();
        if (domain == null || domain.isEmpty()) {
            throw new AuthorAddressException("From: address has no domain");
        }
        try {
            return PathParser.parseDomain(domain);
        } catch (AddressRefusedException e) {
            throw new AuthorAddressException("From: domain is not usable: " + e.getMessage());
        }
    }

    /** RFC 5322 §2.2.3: unfolding removes each CRLF that precedes white space. */
    private static String unfold(String value) {
        return value.replace("\r\n", "");
    }
}
