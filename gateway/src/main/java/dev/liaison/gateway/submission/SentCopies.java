package dev.liaison.gateway.submission;

import dev.liaison.imap.delivery.FiledCopies;
import dev.liaison.smtp.address.EmailAddress;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The Sent copy the gateway files for every message that leaves (to a relationship or a plain
 * address), and how a mail client's own copy of it is recognised. Clients keep a Sent copy by
 * default and APPEND it after the {@code 250}; without this every sent message would be in Sent
 * twice. A client's copy is the same message when it carries the same {@code Message-ID} for the
 * same owner: the submission key ({@link SubmissionRouter#submissionKey}) names it. (A later, different
 * message under the same id is filed under a key of its own, {@link SubmittedMessages}, which the
 * header section does not name: the client's copy of that one is stored beside the gateway's.) The gateway's
 * copy names the blind-copy recipients in {@code Bcc}, as a client's does ({@link #blindCopies},
 * added to the Sent copy by {@code OutgoingMail.prepare}), so a client's copy with blind copies is
 * recognised too.
 */
public final class SentCopies implements FiledCopies {

    /** The folder the gateway files Sent copies in (a user's {@code \Sent} folder). */
    static final String FOLDER = "Sent";

    /** The delivery id of the Sent copy of the submission with key {@code submissionKey}. */
    static String deliveryId(String submissionKey) {
        return "sent:" + submissionKey;
    }

    /** Header fields that name a message's visible recipients (RFC 5322 §3.6.3, §3.6.6). */
    private static final String[] VISIBLE = {"To", "Cc", "Resent-To", "Resent-Cc"};
    /** Header fields that name its blind copies. */
    private static final String[] BLIND = {"Bcc", "Resent-Bcc"};
    private static final int FOLD_AT = 78;

    /**
     * The {@code Bcc:} field(s) for the sender's own copy. Most clients leave {@code Bcc:} out of
     * what they submit and keep it in their own Sent copy, so the blind recipients are known only
     * from RCPT: those no {@code To}, {@code Cc}, {@code Resent-To} or {@code Resent-Cc} field names.
     * The fields the client did submit ({@code fields}, kept aside by smtp-in) are used as they are
     * when they name every blind recipient; otherwise (an empty {@code Bcc:}, RFC 5322 §3.6.3's
     * third way, or one that leaves some out) one {@code Bcc:} field lists them all. Empty when no
     * recipient is blind and the client sent no such field.
     */
    static byte[] blindCopies(byte[] fields, byte[] message, List<EmailAddress> recipients) {
        Set<String> named = addresses(message, VISIBLE);
        List<String> blind = recipients.stream().map(EmailAddress::toString)
                .filter(a -> !named.contains(a.toLowerCase(Locale.ROOT))).toList();
        if (blind.isEmpty() || addresses(fields, BLIND).containsAll(lowerCase(blind))) {
            return fields;
        }
        StringBuilder field = new StringBuilder("Bcc:");
        int lineStart = 0;
        for (String address : blind) {
            if (field.length() == 4) {
                field.append(' ');
            } else if (field.length() - lineStart + address.length() + 2 > FOLD_AT) {
                field.append(",\r\n "); // folded between addresses (RFC 5322 §2.2.3)
                lineStart = field.length() - 1;
            } else {
                field.append(", ");
            }
            field.append(address);
        }
        return field.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The gateway's copy covers a client's copy with the same body when every address the client's
     * names as a blind copy is one the gateway's names too. A client that sent one message in
     * several transactions (a separate one for its Bcc recipients, RFC 5322 §3.6.3, or more than
     * {@code maxRecipients}) keeps a copy naming recipients of a later transaction, which filed no
     * copy of its own; that copy is stored.
     */
    @Override
    public boolean covers(byte[] filedHeader, byte[] appendedHeader) {
        Set<String> filed = addresses(filedHeader, VISIBLE);
        filed.addAll(addresses(filedHeader, BLIND));
        Set<String> blind = new HashSet<>();
        // a Bcc field that does not parse may name anyone: when in doubt, the client's copy is stored
        return addresses(appendedHeader, BLIND, blind) && filed.containsAll(blind);
    }

    private static Set<String> lowerCase(List<String> addresses) {
        Set<String> lower = new HashSet<>();
        addresses.forEach(a -> lower.add(a.toLowerCase(Locale.ROOT)));
        return lower;
    }

    /**
     * The addresses {@code fields} of {@code header} (a header section, or whole message) name, lower
     * case; an unparseable header names none (its recipients then count as unnamed).
     */
    private static Set<String> addresses(byte[] header, String[] fields) {
        Set<String> named = new HashSet<>();
        addresses(header, fields, named);
        return named;
    }

    /** Adds what {@code fields} of {@code header} name to {@code named}; false if something did not parse. */
    private static boolean addresses(byte[] header, String[] fields, Set<String> named) {
        boolean parsed = true;
        for (String name : fields) {
            for (String value : MessageHeaders.fields(header, name.toLowerCase(Locale.ROOT))) {
                parsed &= addAll(named, value);
            }
        }
        return parsed;
    }

    private static boolean addAll(Set<String> named, String value) {
        try {
            for (InternetAddress address : InternetAddress.parseHeader(value, false)) {
                if (address.isGroup()) {
                    for (InternetAddress member : address.getGroup(false)) {
                        named.add(member.getAddress().toLowerCase(Locale.ROOT));
                    }
                } else if (address.getAddress() != null) {
                    named.add(address.getAddress().toLowerCase(Locale.ROOT));
                }
            }
            return true;
        } catch (AddressException e) {
            return false; // names nobody we can match: its recipients count as unnamed
        }
    }

    @Override
    public boolean watches(String folder) {
        return FOLDER.equals(folder);
    }

    @Override
    public Optional<String> deliveryId(String owner, byte[] headerSection) {
        String messageId = MessageHeaders.messageId(headerSection);
        if (messageId.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(deliveryId(SubmissionRouter.submissionKey(owner, messageId)));
    }
}
