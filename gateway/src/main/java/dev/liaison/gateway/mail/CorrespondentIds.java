package dev.liaison.gateway.mail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Message-IDs a correspondent on plain email knows their own messages by. Everything that
 * leaves carries neutral ids ({@link MessageIds}), so that no host of the user's is named; but a
 * reply whose {@code In-Reply-To} holds only the hash of the correspondent's id threads in nobody's
 * mail client, theirs or the user's. Ids that a correspondent's plain email came with are
 * therefore remembered and given back, in the user's Sent copy and to that correspondent: they
 * tell the correspondent nothing new.
 */
public final class CorrespondentIds {

    private CorrespondentIds() {
    }

    /**
     * The id of a received message's {@code Message-ID} value that may be given back later: one
     * {@code <id>} of printable ASCII without spaces, at most {@link MailLimits#MAX_RETURNED_ID_CHARS} characters
     * (it is written into header fields again); empty otherwise.
     */
    public static Optional<String> receivable(String messageIdValue) {
        List<String> ids = MessageIds.ids(messageIdValue);
        if (ids.size() != 1 || ids.get(0).length() > MailLimits.MAX_RETURNED_ID_CHARS) {
            return Optional.empty();
        }
        String id = ids.get(0);
        return id.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f) ? Optional.of(id) : Optional.empty();
    }

    /** The neutral form {@code id} takes in mail that leaves, without angle brackets. */
    public static String neutral(String id) {
        return MessageIds.neutral(id);
    }

    /** The id of a prepared message's {@code Message-ID} field (neutral already), without angle brackets. */
    public static Optional<String> messageId(byte[] prepared) throws MalformedMailException {
        HeaderSection section = HeaderSection.parse(prepared);
        for (HeaderSection.Field field : section.fields()) {
            if (field.is("Message-ID")) {
                return MessageIds.ids(section.value(field)).stream().findFirst();
            }
        }
        return Optional.empty();
    }

    /** The ids in the {@code In-Reply-To} and {@code References} fields of a prepared message (neutral already). */
    public static Set<String> referenced(byte[] prepared) throws MalformedMailException {
        HeaderSection section = HeaderSection.parse(prepared);
        Set<String> ids = new LinkedHashSet<>();
        for (HeaderSection.Field field : section.fields()) {
            if (field.is("In-Reply-To") || field.is("References")) {
                ids.addAll(MessageIds.ids(section.value(field)));
            }
        }
        return ids;
    }

    /**
     * {@code prepared} with every id of its {@code In-Reply-To} and {@code References} that
     * {@code originals} maps (neutral → as the correspondent wrote it) given back; the rest of the
     * message byte for byte. {@code prepared} itself when nothing is given back.
     */
    public static byte[] restored(byte[] prepared, Map<String, String> originals) throws MalformedMailException {
        if (originals.isEmpty()) {
            return prepared;
        }
        HeaderSection section = HeaderSection.parse(prepared);
        ByteArrayOutputStream out = new ByteArrayOutputStream(prepared.length + 256);
        for (HeaderSection.Field field : section.fields()) {
            if (field.is("In-Reply-To") || field.is("References")) {
                List<String> ids = MessageIds.ids(section.value(field));
                if (ids.isEmpty()) {
                    continue; // OutgoingMail drops such a field already; an empty one would run into the next
                }
                StringBuilder text = new StringBuilder(field.is("In-Reply-To") ? "In-Reply-To:" : "References:");
                for (String id : ids) {
                    text.append(" <").append(originals.getOrDefault(id, id)).append(">\r\n");
                }
                out.writeBytes(text.toString().getBytes(StandardCharsets.US_ASCII));
            } else {
                section.copy(field, out);
            }
        }
        section.copyRest(out);
        return out.toByteArray();
    }
}
