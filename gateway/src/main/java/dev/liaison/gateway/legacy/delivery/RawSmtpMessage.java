package dev.liaison.gateway.legacy.delivery;

import jakarta.mail.Session;
import org.eclipse.angus.mail.smtp.SMTPMessage;

import java.io.OutputStream;

/**
 * A message Angus sends exactly as given: the signed octets, never re-encoded. A parsed
 * {@code MimeMessage} could rewrite a header on the way out and break the DKIM signature.
 * Angus still dot-stuffs the lines (RFC 5321 §4.5.2) as it writes them to the server.
 */
final class RawSmtpMessage extends SMTPMessage {

    private final byte[] octets;

    RawSmtpMessage(Session session, byte[] octets, String envelopeFrom) {
        super(session);
        this.octets = octets;
        setEnvelopeFrom(envelopeFrom);
    }

    @Override
    public void writeTo(OutputStream out, String[] ignoreList) throws java.io.IOException {
        out.write(octets); // the caller removed Bcc before signing; nothing else is to be left out
    }

    @Override
    public void writeTo(OutputStream out) throws java.io.IOException {
        out.write(octets);
    }

    @Override
    public int getSize() {
        return octets.length;
    }

    /**
     * Whether any octet is 8-bit, which asks for {@code BODY=8BITMIME} (RFC 6152) where the server
     * offers it. The body was made 7-bit before signing ({@link SevenBitBody}); what it could not
     * convert (a part's own 8-bit header text, an 8-bit preamble) is still announced.
     */
    boolean eightBit() {
        for (byte b : octets) {
            if (b < 0) {
                return true;
            }
        }
        return false;
    }
}
