package dev.liaison.gateway.mail;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * What a submitted message becomes before it leaves the sender's gateway: the part sealed for
 * the peer keeps only {@link RelayedFields} (nothing that could link the relationship to the
 * sender's account, other aliases, client or hosts), and both it and the Sent copy carry neutral
 * message ids ({@link MessageIds}) so the thread looks the same on both sides. Bodies are copied
 * byte-for-byte; only the header section is read.
 */
public final class OutgoingMail {

    /**
     * {@code sealed}: what is encrypted for the peer; {@code sentCopy}: what is filed in the
     * sender's Sent folder. Both arrays are fresh and belong to the caller.
     */
    public record Prepared(byte[] sealed, byte[] sentCopy) {

        @Override
        public boolean equals(Object other) {
            return other instanceof Prepared that && Arrays.equals(sealed, that.sealed)
                    && Arrays.equals(sentCopy, that.sentCopy);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(sealed) + Arrays.hashCode(sentCopy);
        }

        /** Sizes only: a message's content is never printed (it would end up in logs). */
        @Override
        public String toString() {
            return "Prepared[sealed=" + sealed.length + " octets, sentCopy=" + sentCopy.length + " octets]";
        }
    }

    private OutgoingMail() {
    }

    /**
     * Splits a submission into what the peer gets and what the sender keeps.
     *
     * @throws MalformedMailException if the header section is not CRLF RFC 5322, is over a
     *         {@link MailLimits} bound, or has no single parseable {@code Message-ID}
     */
    public static Prepared prepare(byte[] submitted) throws MalformedMailException {
        return prepare(submitted, new byte[0]);
    }

    /**
     * {@link #prepare(byte[])}, with {@code sentCopyFields} (complete header fields, CRLF-terminated)
     * added at the end of the Sent copy's header section only: what the sender keeps and no
     * recipient sees, such as its blind copies (RFC 5322 §3.6.3).
     */
    public static Prepared prepare(byte[] submitted, byte[] sentCopyFields) throws MalformedMailException {
        HeaderSection section = HeaderSection.parse(submitted);
        MessageIds.requireMessageId(section);
        ByteArrayOutputStream sealed = new ByteArrayOutputStream(section.sizeHint());
        ByteArrayOutputStream sentCopy = new ByteArrayOutputStream(section.sizeHint());
        for (HeaderSection.Field field : section.fields()) {
            if (MessageIds.carriesIds(field)) {
                byte[] rewritten = MessageIds.rewrite(section, field);
                sealed.writeBytes(rewritten);
                sentCopy.writeBytes(rewritten);
                continue;
            }
            if (RelayedFields.relayed(section, field)) {
                section.copy(field, sealed);
            }
            // smtp-in drops Bcc already; dropping it again keeps this class correct on its own.
            if (!field.is("Bcc") && !field.is("Resent-Bcc")) {
                section.copy(field, sentCopy);
            }
        }
        sentCopy.writeBytes(sentCopyFields);
        section.copyRest(sealed);
        section.copyRest(sentCopy);
        return new Prepared(sealed.toByteArray(), sentCopy.toByteArray());
    }
}
