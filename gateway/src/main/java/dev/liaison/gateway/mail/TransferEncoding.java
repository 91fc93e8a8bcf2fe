package dev.liaison.gateway.mail;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The two content transfer encodings notices use (RFC 2045 §6.7, §6.8). Text is quoted-printable
 * so that a 2,700-character invitation token stays one logical line while no encoded line
 * exceeds 76 characters, and names in any script survive 7-bit paths.
 */
final class TransferEncoding {

    private static final int MAX_QP_LINE = 76;
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private TransferEncoding() {
    }

    /** {@code text} ({@code \n} line breaks) as UTF-8 quoted-printable with CRLF hard breaks, ending in one CRLF. */
    static byte[] quotedPrintable(String text) {
        StringBuilder out = new StringBuilder(text.length() + text.length() / 8 + 16);
        String[] lines = (text.endsWith("\n") ? text.substring(0, text.length() - 1) : text).split("\n", -1);
        for (String line : lines) {
            appendQpLine(out, line.getBytes(StandardCharsets.UTF_8));
            out.append("\r\n");
        }
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Base64 in lines of 76 characters, CRLF after each. */
    static byte[] base64(byte[] data) {
        String encoded = Base64.getMimeEncoder(MAX_QP_LINE, new byte[] {'\r', '\n'}).encodeToString(data);
        return (encoded.isEmpty() ? "" : encoded + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static void appendQpLine(StringBuilder out, byte[] line) {
        int column = 0;
        for (int i = 0; i < line.length; i++) {
            int b = line[i] & 0xff;
            boolean last = i == line.length - 1;
            // Space stays literal except at the end of a line, where transports may strip it.
            boolean literal = (b >= 33 && b <= 126 && b != '=') || (b == ' ' && !last);
            int width = literal ? 1 : 3;
            // Keep room for the '=' of a soft break unless this is the line's last character.
            if (column + width > (last ? MAX_QP_LINE : MAX_QP_LINE - 1)) {
                out.append("=\r\n");
                column = 0;
            }
            if (literal) {
                out.append((char) b);
            } else {
                out.append('=').append(HEX[b >>> 4]).append(HEX[b & 0xf]);
            }
            column += width;
        }
    }
}
