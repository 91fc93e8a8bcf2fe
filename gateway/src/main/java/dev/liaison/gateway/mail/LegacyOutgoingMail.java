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
        invitation.ifPresent(token -> write(out, INVITE_FIELD + ": " + token));
        out.writeBytes(relayed);
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, String field) {
        out.writeBytes((field + "\r\n").getBytes(StandardCharsets.UTF_8));
    }
}
