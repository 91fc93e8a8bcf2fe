package dev.liaison.imap.store;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * The text of a header value as James hands it out. James (mime4j's {@code ContentUtil.decode})
 * turns each header octet into the char of the same number, so a value written in raw UTF-8
 * (RFC 6532) arrives as one char per octet ({@code Jürgen} as {@code JÃ¼rgen}).
 */
final class HeaderText {

    private HeaderText() {
    }

    /**
     * The text {@code octets} (one char per octet) means: UTF-8 when it is valid UTF-8 (RFC 6532
     * allows no other raw 8-bit header text), else the octets as Latin-1, the best guess for
     * legacy mail.
     */
    static String of(String octets) {
        if (octets.chars().allMatch(c -> c < 0x80)) {
            return octets;
        }
        byte[] bytes = octets.getBytes(StandardCharsets.ISO_8859_1);
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return octets;
        }
    }
}
