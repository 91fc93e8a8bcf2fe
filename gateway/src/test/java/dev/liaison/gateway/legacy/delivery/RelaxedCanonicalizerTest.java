package dev.liaison.gateway.legacy.delivery;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** RFC 6376 §3.4 relaxed canonicalization, starting with the RFC's own example (§3.4.5). */
class RelaxedCanonicalizerTest {

    private static final String RFC_EXAMPLE = "A: X\r\n"
            + "B : Y\t\r\n"
            + "\tZ  \r\n"
            + "\r\n"
            + " C \r\n"
            + "D \t E\r\n"
            + "\r\n"
            + "\r\n";

    @Test
    void headersOfTheRfcExampleCanonicalizeAsTheRfcSays() throws Exception {
        byte[] message = RFC_EXAMPLE.getBytes(StandardCharsets.US_ASCII);
        HeaderFields fields = HeaderFields.parse(message);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (HeaderFields.Field field : fields.fields()) {
            RelaxedCanonicalizer.header(message, field.start(), field.end(), true, out);
        }
        assertEquals("a:X\r\nb:Y Z\r\n", out.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void bodyOfTheRfcExampleCanonicalizesAsTheRfcSays() throws Exception {
        byte[] message = RFC_EXAMPLE.getBytes(StandardCharsets.US_ASCII);
        assertEquals(sha256(" C\r\nD E\r\n"), bodyHash(message));
    }

    @Test
    void emptyBodyHashesAsNothingAndAMissingFinalCrlfIsAdded() throws Exception {
        assertEquals(sha256(""), bodyHash("From: a@b.example\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(sha256(""), bodyHash("From: a@b.example\r\n\r\n \r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(sha256("last\r\n"), bodyHash("From: a@b.example\r\n\r\nlast".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void eightBitHeaderOctetsAreKeptAsTheyAre() throws Exception {
        byte[] message = "Subject:  Grüße   aus\r\n Köln \r\n\r\n".getBytes(StandardCharsets.UTF_8);
        HeaderFields.Field field = HeaderFields.parse(message).fields().get(0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RelaxedCanonicalizer.header(message, field.start(), field.end(), true, out);
        assertEquals("subject:Grüße aus Köln\r\n", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void bareLineFeedsAndOverlongLinesAreRefused() {
        assertThrows(MalformedMessageException.class,
                () -> bodyHash("From: a@b.example\r\n\r\none\ntwo\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertThrows(MalformedMessageException.class,
                () -> HeaderFields.parse("From: a@b.example\nTo: c@d.example\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertThrows(MalformedMessageException.class, () -> bodyHash(("From: a@b.example\r\n\r\n"
                + "x".repeat(Limits.MAX_LINE_OCTETS + 1) + "\r\n").getBytes(StandardCharsets.US_ASCII)));
    }

    private static String bodyHash(byte[] message) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        RelaxedCanonicalizer.body(message, HeaderFields.parse(message).bodyStart(), digest);
        return Base64.getEncoder().encodeToString(digest.digest());
    }

    private static String sha256(String text) throws Exception {
        return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(StandardCharsets.US_ASCII)));
    }
}
