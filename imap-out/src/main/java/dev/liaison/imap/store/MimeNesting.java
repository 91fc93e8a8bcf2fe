package dev.liaison.imap.store;

import dev.liaison.imap.server.Limits;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Bounds how deep a message's MIME tree is described ({@link Limits#MIME_NESTING}). James's
 * {@code MimeDescriptorImpl} follows every level, and mime4j reads each through one more nested
 * stream: a message some thousand multiparts deep (anyone can mail one) overflowed the stack, and
 * the FETCH that asked for its BODYSTRUCTURE was never answered. Like Dovecot's message parser,
 * which stops descending at a fixed depth, an entity with parts at the bound is described as an
 * opaque body: in a copy of the message its {@code Content-Type} fields are renamed, octet for
 * octet, so it is {@code text/plain} to mime4j and every size and line count stays as it was. The
 * message itself and its sections ({@link BodySections}) are untouched.
 */
final class MimeNesting {

    /** Same length as {@code Content-Type}, so no offset moves. */
    private static final byte[] RENAMED = "X-Nested-Cut".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private MimeNesting() {
    }

    /** The message to describe in place of {@code message}, if it nests deeper than the bound. */
    static Optional<byte[]> bounded(byte[] message) {
        if (2 * typeFields(message, 0, message.length) + 1 <= Limits.MIME_NESTING) {
            return Optional.empty(); // each level but a digest's default message/rfc822 has a Content-Type of its own
        }
        List<BodySections.Entity> cut = new ArrayList<>();
        find(BodySections.message(message), null, 0, cut);
        if (cut.isEmpty()) {
            return Optional.empty();
        }
        byte[] copy = message.clone();
        for (BodySections.Entity e : cut) {
            for (int line = e.start(); line < e.bodyStart(); line = BodySections.nextLine(copy, line, e.bodyStart())) {
                if (BodySections.startsWithIgnoreCase(copy, line, e.bodyStart(), "content-type:")) {
                    System.arraycopy(RENAMED, 0, copy, line, RENAMED.length);
                }
            }
        }
        return Optional.of(copy);
    }

    /**
     * Collects the entities to describe as opaque: those with parts at the bound. A digest's part
     * without a Content-Type of its own (message/rfc822 by default) has none to rename; its
     * digest, one level up, is cut instead.
     */
    private static void find(BodySections.Entity entity, BodySections.Entity parent, int level,
                             List<BodySections.Entity> cut) {
        if (!entity.isMultipart() && !entity.encapsulatesMessage()) {
            return;
        }
        if (level >= Limits.MIME_NESTING) {
            boolean typed = typeFields(entity.message(), entity.start(), entity.bodyStart()) > 0;
            cut.add(typed || parent == null ? entity : parent);
            return;
        }
        if (entity.isMultipart()) {
            for (BodySections.Entity part : BodySections.parts(entity, Integer.MAX_VALUE, true)) {
                find(part, entity, level + 1, cut);
            }
        } else {
            find(entity.encapsulated(), entity, level + 1, cut);
        }
    }

    /** How many lines in {@code [from, to)} start a Content-Type field. */
    private static int typeFields(byte[] m, int from, int to) {
        int fields = 0;
        for (int line = from; line < to; line = BodySections.nextLine(m, line, to)) {
            if (BodySections.startsWithIgnoreCase(m, line, to, "content-type:")) {
                fields++;
            }
        }
        return fields;
    }
}
