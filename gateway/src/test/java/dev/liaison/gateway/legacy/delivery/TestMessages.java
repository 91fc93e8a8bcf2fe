package dev.liaison.gateway.legacy.delivery;

import java.nio.charset.StandardCharsets;

/** Small RFC 5322 messages as a mail client would submit them. */
final class TestMessages {

    private TestMessages() {
    }

    static byte[] plain(String from, String to, String subject) {
        return ("From: \"Blair\" <" + from + ">\r\n"
                + "To: <" + to + ">\r\n"
                + "Subject: " + subject + "\r\n"
                + "Date: Thu, 26 Nov 2026 00:00:00 +0000\r\n"
                + "Message-ID: <" + Integer.toHexString(subject.hashCode()) + "." + System.nanoTime() + "@alex.example>\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Transfer-Encoding: 7bit\r\n"
                + "\r\n"
                + "Hi Bob,\r\n"
                + "\r\n"
                + "See you at noon.\r\n"
                + ".leading dot survives dot-stuffing\r\n"
                + "-- \r\n"
                + "Blair\r\n").getBytes(StandardCharsets.US_ASCII);
    }
}
