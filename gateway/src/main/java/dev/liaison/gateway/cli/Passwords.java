package dev.liaison.gateway.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/** Passwords for the CLI: generated ones, and ones read from stdin without echo or history. */
final class Passwords {

    /** No 0/O, 1/l/I: read off a screen and typed into a mail client. */
    private static final char[] ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray();
    private static final int GROUPS = 5;
    private static final int GROUP_LENGTH = 5; // 25 characters of 5 bits: 125 bits
    private static final int MAX_LINE = 1024;
    /**
     * The shortest password an administrator may set (NIST SP 800-63B §5.1.1.2: at least 8 for a
     * chosen one). Mail clients keep it, so a long one costs the user nothing; a short one is guessed
     * online past the login throttle's pace by anyone who can reach port 587 or 993.
     */
    static final int MIN_LENGTH = 8;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Passwords() {
    }

    static char[] generate() {
        char[] out = new char[GROUPS * GROUP_LENGTH + GROUPS - 1];
        int i = 0;
        for (int g = 0; g < GROUPS; g++) {
            if (g > 0) {
                out[i++] = '-';
            }
            for (int k = 0; k < GROUP_LENGTH; k++) {
                out[i++] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
            }
        }
        return out;
    }

    /**
     * The first line of {@code in} (without its line ending), as UTF-8; refuses empty or huge input,
     * and a password shorter than {@link #MIN_LENGTH} characters.
     */
    static char[] readFirstLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
            if (line.size() >= MAX_LINE) {
                throw new InvalidInputException("the password on stdin is longer than " + MAX_LINE + " bytes");
            }
            line.write(b);
        }
        byte[] bytes = line.toByteArray();
        int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        if (length == 0) {
            throw new InvalidInputException("no password on stdin (give it as the first line)");
        }
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, length));
            char[] password = Arrays.copyOf(chars.array(), chars.limit());
            Arrays.fill(chars.array(), '\0');
            if (Character.codePointCount(password, 0, password.length) < MIN_LENGTH) {
                Arrays.fill(password, '\0');
                throw new InvalidInputException("the password on stdin is shorter than " + MIN_LENGTH
                        + " characters: choose a longer one, or leave out --password-stdin to have one generated");
            }
            return password;
        } catch (CharacterCodingException e) {
            throw new InvalidInputException("the password on stdin is not valid UTF-8");
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }
}
