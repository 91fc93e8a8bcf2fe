package dev.liaison.gateway.mail;

import dev.liaison.gateway.primitive.Entropy;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * Writes one generated message: the header fields every notice has (RFC 5322 {@code Date} and a
 * random {@code Message-ID} on the gateway's domain, {@code MIME-Version}, and {@code
 * Auto-Submitted} so that vacation responders do not answer it, RFC 3834 §5) and a single text
 * part or a multipart body. Everything is CRLF; header text is ASCII by construction
 * ({@link HeaderText}).
 */
final class NoticeWriter {

    /** One body part: its header fields (CRLF-terminated) and its already encoded content. */
    record Part(String fields, byte[] content) {

        static Part text(String text) {
            return new Part("Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n",
                    TransferEncoding.quotedPrintable(text));
        }
    }

    private static final Entropy ENTROPY = Entropy.system();
    private static final int RANDOM_ID_BYTES = 16;

    private final StringBuilder fields = new StringBuilder(512);

    /** Starts a notice from {@code from} (a complete mailbox) to {@code to} (an address). */
    NoticeWriter(String domain, Instant date, String from, String to, String subject) {
        HeaderText.requireDomain(domain);
        HeaderText.requireAddress(to, "recipient");
        field("From", from).field("To", "<" + to + ">").field("Subject", HeaderText.unstructured(subject))
                .field("Date", HeaderText.date(date))
                .field("Message-ID", "<" + random() + "@" + domain + ">")
                .field("MIME-Version", "1.0");
    }

    NoticeWriter field(String name, String value) {
        fields.append(name).append(": ").append(value).append("\r\n");
        return this;
    }

    /** The notice as one text/plain part. */
    byte[] text(String text) {
        Part part = Part.text(text);
        ByteArrayOutputStream out = new ByteArrayOutputStream(fields.length() + part.content().length + 128);
        write(out, fields + part.fields() + "\r\n");
        out.writeBytes(part.content());
        return out.toByteArray();
    }

    /**
     * The notice as {@code multipart/<subtype>} (with extra {@code ; param=value} text, e.g. a
     * DSN's report-type). The boundary is random and checked against every part's content, so an
     * attached original can never end a part early.
     */
    byte[] multipart(String subtypeAndParameters, List<Part> parts) {
        String boundary = boundary(parts);
        int size = fields.length() + 256 + parts.stream().mapToInt(p -> p.content().length + p.fields().length() + 64).sum();
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        write(out, fields + "Content-Type: multipart/" + subtypeAndParameters + ";\r\n\tboundary=\"" + boundary + "\"\r\n"
                + "\r\nThis is a MIME-formatted message.\r\n");
        for (Part part : parts) {
            // The CRLF before each delimiter belongs to the delimiter (RFC 2046 §5.1.1), so a
            // part's content, an attached original included, is exactly the octets written.
            write(out, "\r\n--" + boundary + "\r\n" + part.fields() + "\r\n");
            out.writeBytes(part.content());
        }
        write(out, "\r\n--" + boundary + "--\r\n");
        return out.toByteArray();
    }

    private static String boundary(List<Part> parts) {
        while (true) {
            String candidate = "=_liaison_" + random();
            byte[] needle = candidate.getBytes(StandardCharsets.US_ASCII);
            if (parts.stream().noneMatch(p -> contains(p.content(), needle))) {
                return candidate;
            }
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static String random() {
        return HexFormat.of().formatHex(ENTROPY.bytes(RANDOM_ID_BYTES));
    }

    private static void write(ByteArrayOutputStream out, String ascii) {
        out.writeBytes(ascii.getBytes(StandardCharsets.US_ASCII));
    }
}
