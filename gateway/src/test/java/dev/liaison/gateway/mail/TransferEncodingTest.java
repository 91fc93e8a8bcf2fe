package dev.liaison.gateway.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TransferEncodingTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "plain", "trailing space \nand tab\t", "a=b", "=", "Grüße aus 東京 😀",
        "x\n\n\ny", "line ending in equals=\n"})
    void quotedPrintableDecodesToTheTextWithCrlfLineBreaks(String text) throws Exception {
        assertRoundTrip(text);
    }

    @Test
    void quotedPrintableOfRandomTextDecodesToItAndKeepsLinesWithin76() throws Exception {
        Random random = new Random(42);
        String alphabet = "ab =\t.é東😀\n-_";
        for (int round = 0; round < 300; round++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(400);
            for (int i = 0; i < length; i++) {
                text.appendCodePoint(alphabet.codePointAt(alphabet.offsetByCodePoints(0,
                        random.nextInt(alphabet.codePointCount(0, alphabet.length())))));
            }
            assertRoundTrip(text.toString());
        }
    }

    private static void assertRoundTrip(String text) throws Exception {
        byte[] encoded = TransferEncoding.quotedPrintable(text);
        String ascii = new String(encoded, StandardCharsets.US_ASCII);
        assertTrue(ascii.lines().allMatch(line -> line.length() <= 76), ascii);
        assertTrue(ascii.lines().noneMatch(line -> line.endsWith(" ") || line.endsWith("\t")), ascii);
        try (InputStream in = MimeUtility.decode(new ByteArrayInputStream(encoded), "quoted-printable")) {
            String expected = (text.endsWith("\n") ? text : text + "\n").replace("\n", "\r\n");
            assertEquals(expected, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
