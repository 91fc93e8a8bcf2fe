package dev.liaison.smtp.inbound;

/**
 * Text that gateway puts into an SMTP reply: one line of printable ASCII (RFC 5321 §4.2), short
 * enough to stay far below the 512-octet reply line limit (§4.5.3.1.5) after code and status.
 */
final class ReplyText {

    static final int MAX_LENGTH = 200;

    private ReplyText() {
    }

    static void require(String text) {
        if (text == null || text.isBlank() || text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("reply text must be 1.." + MAX_LENGTH + " characters, got "
                    + (text == null ? "null" : text.length()));
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new IllegalArgumentException("reply text has a character that is not printable ASCII at "
                        + i + ": U+" + String.format("%04X", (int) c));
            }
        }
    }
}
