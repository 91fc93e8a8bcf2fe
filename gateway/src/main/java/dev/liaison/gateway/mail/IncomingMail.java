package dev.liaison.gateway.mail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * What arrives in a relationship becomes what the recipient's mail client shows: the peer's
 * gateway is trusted for nothing, so the {@link RelayedFields} whitelist is applied again (a
 * {@code From}, {@code Sender} or {@code Reply-To} sent along is dropped), and {@code From} (the
 * relationship's alias, under the peer's display name) and {@code To} (the recipient) are written
 * here. Kept fields keep their original octets; the body passes byte-for-byte.
 */
public final class IncomingMail {

    private IncomingMail() {
    }

    /**
     * @param peerName  the peer's display name in this relationship (may be empty); control
     *                  characters become spaces, quotes and backslashes are escaped, non-ASCII is
     *                  written as RFC 2047 encoded-words
     * @param alias     the recipient's alias for that peer, e.g. {@code blair.k7q2xm@alex.example}
     * @param recipient the recipient's own address
     * @throws MalformedMailException   if the message is not CRLF RFC 5322, is over a
     *                                  {@link MailLimits} bound, or has no single {@code Message-ID}
     * @throws IllegalArgumentException if {@code alias} or {@code recipient} is not a plain address
     */
    public static byte[] deliverable(byte[] sealed, String peerName, String alias, String recipient)
            throws MalformedMailException {
        HeaderText.requireAddress(alias, "alias");
        HeaderText.requireAddress(recipient, "recipient");
        HeaderSection section = HeaderSection.parse(sealed);
        MessageIds.requireMessageId(section);
        ByteArrayOutputStream out = new ByteArrayOutputStream(section.sizeHint());
        String written = "From: " + HeaderText.mailbox(peerName, alias) + "\r\n" + "To: <" + recipient + ">\r\n";
        out.writeBytes(written.getBytes(StandardCharsets.US_ASCII));
        for (HeaderSection.Field field : section.fields()) {
            if (RelayedFields.relayed(section, field)) {
                section.copy(field, out);
            }
        }
        section.copyRest(out);
        return out.toByteArray();
    }
}
