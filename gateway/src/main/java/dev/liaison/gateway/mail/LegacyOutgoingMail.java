package dev.liaison.gateway.mail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A user's message as a legacy correspondent receives it by plain email: the fields
 * {@link OutgoingMail} relays (subject, date, neutral message ids, MIME), written
 * {@code From} the user's outward alias for this correspondent only and {@code To} the
 * correspondent's real address, plus the relationship's invitation in {@code Communicator-Invite}
 * (the way Autocrypt carries a key) so a Liaison gateway on the other side can upgrade it. No
 * {@code Cc}, {@code Reply-To}, {@code User-Agent} or trace field of the user's leaves.
 */
public final class LegacyOutgoingMail {

    /** The header carrying the relationship's Communicator invitation (issue 8). */
    public static final String INVITE_FIELD = "Communicator-Invite";
    /** Characters of the token per header line: with the field name, well inside 78. */
    private static final int TOKEN_PIECE = 64;

    private LegacyOutgoingMail() {
    }

    /**
     * @param relayed    {@link OutgoingMail.Prepared#sealed()} of the submission
     * @param fromName   the user's name as the correspondent sees it
     * @param outward    the user's outward alias for this correspondent
     * @param to         the correspondent's address
     * @param invitation the relationship's invitation token, if the user's gateway offers one
     */
    public static byte[] addressed(byte[] relayed, String fromName, String outward, String to,
                                   Optional<String> invitation) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(relayed.length + 512);
        write(out, "From: " + HeaderText.mailbox(fromName, outward));
        write(out, "To: <" + to + ">");
        invitation.ifPresent(token -> write(out, INVITE_FIELD + ": " + folded(token)));
        out.writeBytes(relayed);
        return out.toByteArray();
    }

    /**
     * Whether the header section of {@code relayed} is 7-bit: plain email leaves without SMTPUTF8,
     * and without it header text is ASCII (RFC 6532 §3); a strict receiver refuses raw 8-bit text.
     */
    public static boolean asciiHeader(byte[] relayed) {
        for (byte octet : DeliveryReport.headerSection(relayed)) { // the body may be 8-bit (8BITMIME)
            if (octet < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * A token has no spaces to fold at, and is longer than a line may be (RFC 5322 §2.1.1): it is
     * cut into pieces on continuation lines, and the reader drops the whitespace (as Autocrypt's
     * {@code keydata} does).
     */
    static String folded(String token) {
        StringBuilder out = new StringBuilder(token.length() + token.length() / 32);
        for (int i = 0; i < token.length(); i += TOKEN_PIECE) {
            if (i > 0) {
                out.append("\r\n ");
            }
            out.append(token, i, Math.min(token.length(), i + TOKEN_PIECE));
        }
        return out.toString();
    }

    private static void write(ByteArrayOutputStream out, String field) {
        out.writeBytes((field + "\r\n").getBytes(StandardCharsets.UTF_8));
    }
}
