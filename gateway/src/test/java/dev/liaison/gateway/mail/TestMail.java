package dev.liaison.gateway.mail;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Properties;
import java.util.Random;

/** Building and taking apart raw test messages. */
final class TestMail {

    private TestMail() {
    }

    /** Octets of {@code text} as ISO-8859-1, so tests can write any octet as a char. */
    static byte[] octets(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String latin1(byte[] octets) {
        return new String(octets, StandardCharsets.ISO_8859_1);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** Offset of the first CRLF CRLF plus four: where the body starts. */
    static int bodyStart(byte[] message) {
        String text = latin1(message);
        int blank = text.indexOf("\r\n\r\n");
        if (blank < 0) {
            throw new AssertionError("no empty line in message");
        }
        return blank + 4;
    }

    /** Header fields, without the empty line. */
    static String headerSection(byte[] message) {
        return latin1(message).substring(0, bodyStart(message) - 2);
    }

    static byte[] body(byte[] message) {
        int start = bodyStart(message);
        byte[] body = new byte[message.length - start];
        System.arraycopy(message, start, body, 0, body.length);
        return body;
    }

    static MimeMessage parse(byte[] message) throws MessagingException {
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(message));
    }

    /**
     * A multipart body: a UTF-8 text part written as raw 8-bit, a base64 part of random octets,
     * and a last part with a bare LF and header-like lines, which nothing may touch.
     */
    static byte[] awkwardMultipartBody(long seed) {
        byte[] binary = new byte[12_345];
        new Random(seed).nextBytes(binary);
        String base64 = Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encodeToString(binary);
        String text = "--b1\r\n"
                + "Content-Type: text/plain; charset=UTF-8\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n\r\n"
                + "Grüße, 東京 \r\n"
                + ".\r\n"
                + "From the trailing space above\r\n"
                + "--b1\r\n"
                + "Content-Type: application/octet-stream; name=\"blob.bin\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n"
                + "Content-Disposition: attachment; filename=\"blob.bin\"\r\n\r\n"
                + base64 + "\r\n"
                + "--b1\r\n"
                + "Content-Type: text/plain\r\n\r\n"
                + "From: Mallory <mallory@evil.example>\r\nReceived: from nowhere\nbare LF above\r\n"
                + "--b1--\r\n";
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
