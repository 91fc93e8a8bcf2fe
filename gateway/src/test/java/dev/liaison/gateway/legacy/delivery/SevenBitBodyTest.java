package dev.liaison.gateway.legacy.delivery;

import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The 7-bit conversion of plain email before it is signed: what changes (8-bit body parts, to
 * quoted-printable or base64), what decodes to the same content, and what stays byte for byte.
 * Decoding is jakarta-mail's, as a mail reader's would be.
 */
class SevenBitBodyTest {

    private static final String HEAD = "From: \"Blair\" <blair.q7k2@alex.example>\r\n"
            + "To: <bob@legacy.example>\r\n"
            + "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n"
            + "Date: Thu, 26 Nov 2026 00:00:00 +0000\r\n"
            + "Message-ID: <7bit@alex.example>\r\n";

    /** As Thunderbird writes it: a multipart/mixed with an alternative (8bit text and HTML) and an 8-bit attachment. */
    static byte[] thunderbirdStyle() {
        byte[] binary = new byte[600];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (i % 256 == '\r' || i % 256 == '\n' ? 'x' : i % 256); // 8-bit data in CRLF lines
        }
        for (int i = 80; i < binary.length; i += 80) {
            binary[i - 2] = '\r';
            binary[i - 1] = '\n';
        }
        String text = "Schöne Grüße aus Köln — ünd €uro\r\n"
                + "=equals and a trailing space \r\n"
                + "and a tab\t\r\n"
                + ".a leading dot\r\n"
                + "From the start of a line\r\n"
                + "Привет " + "Grüße und ".repeat(60) + "\r\n"; // a long line, mostly Latin: quoted-printable, soft breaks
        return concat(utf8(HEAD + "MIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"------------outer01\"\r\n"
                + "\r\n"
                + "This is a multi-part message in MIME format.\r\n"
                + "--------------outer01\r\n"
                + "Content-Type: multipart/alternative;\r\n boundary=\"------------inner02\"\r\n"
                + "\r\n"
                + "--------------inner02\r\n"
                + "Content-Type: text/plain; charset=UTF-8; format=flowed\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n"
                + "\r\n"
                + text
                + "\r\n"
                + "--------------inner02\r\n"
                + "Content-Type: text/html; charset=UTF-8\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n"
                + "\r\n"
                + "<p>Schöne Grüße</p>\r\n"
                + "\r\n"
                + "--------------inner02--\r\n"
                + "\r\n"
                + "--------------outer01\r\n"
                + "Content-Type: application/octet-stream; name=\"data.bin\"\r\n"
                + "Content-Disposition: attachment; filename=\"data.bin\"\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n"
                + "\r\n"), binary, utf8("\r\n"
                + "--------------outer01\r\n"
                + "Content-Type: text/plain; charset=UTF-8\r\n"
                + "\r\n"
                + "ASCII only, left as it is\r\n"
                + "--------------outer01--\r\n"));
    }

    @Test
    void sevenBitMessagesAreLeftByteForByte() throws Exception {
        byte[] plain = TestMessages.plain("blair.q7k2@alex.example", "bob@legacy.example", "Lunch?");
        byte[] labelled8bit = utf8(HEAD + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n\r\nonly ASCII here\r\n");
        byte[] multipart = utf8(new String(thunderbirdStyle(), StandardCharsets.ISO_8859_1)
                .replaceAll("[^\\x00-\\x7f]", "?"));

        assertSame(plain, SevenBitBody.of(plain));
        assertSame(labelled8bit, SevenBitBody.of(labelled8bit));
        assertSame(multipart, SevenBitBody.of(multipart));
    }

    @Test
    void eightBitPartsAreEncodedAndDecodeToTheSameContentInTheSameStructure() throws Exception {
        byte[] original = thunderbirdStyle();

        byte[] converted = SevenBitBody.of(original);

        assertSevenBitLines(converted);
        String text = new String(converted, StandardCharsets.US_ASCII);
        assertTrue(text.startsWith(HEAD + "MIME-Version: 1.0\r\n"), "the header section is as it was");
        assertTrue(text.contains("\r\n\r\nThis is a multi-part message in MIME format.\r\n--------------outer01\r\n"
                + "Content-Type: multipart/alternative;\r\n boundary=\"------------inner02\"\r\n\r\n"
                + "--------------inner02\r\nContent-Type: text/plain; charset=UTF-8; format=flowed\r\n"
                + "Content-Transfer-Encoding: quoted-printable\r\n\r\nSch=C3=B6ne"), text);
        assertTrue(text.contains("Content-Type: text/html; charset=UTF-8\r\n"
                + "Content-Transfer-Encoding: quoted-printable\r\n"), text);
        assertTrue(text.contains("Content-Disposition: attachment; filename=\"data.bin\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n"), text);
        assertTrue(text.endsWith("--------------outer01\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n"
                + "ASCII only, left as it is\r\n--------------outer01--\r\n"), text);
        assertEquals(leaves(original), leaves(converted));
        assertEquals(List.of("multipart/mixed", "multipart/alternative", "text/plain", "text/html",
                "application/octet-stream", "text/plain"), types(converted));
    }

    @Test
    void aForwardedMessageIsConvertedInsideAndItsPartStays7bit() throws Exception {
        byte[] inner = utf8("From: <carol@legacy.example>\r\nSubject: inner\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nÜber alles\r\n");
        byte[] original = concat(utf8(HEAD + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b1\r\n\r\n"
                + "--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nSee below ✓\r\n"
                + "--b1\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"), inner,
                utf8("--b1--\r\n"));

        byte[] converted = SevenBitBody.of(original);

        assertSevenBitLines(converted);
        String text = new String(converted, StandardCharsets.US_ASCII);
        assertTrue(text.contains("Content-Type: message/rfc822\r\nContent-Transfer-Encoding: 7bit\r\n\r\n"
                + "From: <carol@legacy.example>"), "message/rfc822 may not be encoded; it is 7bit now: " + text);
        assertEquals(leaves(original), leaves(converted));
    }

    @Test
    void aNonMimeBodyBecomesMimeTextInUtf8OrUnknown8bit() throws Exception {
        byte[] utf8 = utf8(HEAD + "\r\nGrüße\r\n");
        byte[] latin1 = concat(utf8(HEAD + "\r\nGr"), new byte[]{(byte) 0xfc, (byte) 0xdf}, utf8("e\r\n"));

        byte[] fromUtf8 = SevenBitBody.of(utf8);
        byte[] fromLatin1 = SevenBitBody.of(latin1);

        assertEquals(HEAD + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Transfer-Encoding: quoted-printable\r\n\r\nGr=C3=BC=C3=9Fe\r\n", ascii(fromUtf8));
        assertEquals(HEAD + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=unknown-8bit\r\n"
                + "Content-Transfer-Encoding: quoted-printable\r\n\r\nGr=FC=DFe\r\n", ascii(fromLatin1));
        assertEquals(leaves(utf8), leaves(fromUtf8));
        assertEquals(leaves(latin1), leaves(fromLatin1));
    }

    @Test
    void aSinglePartMessageGetsItsEncodingFieldReplacedOrAdded() throws Exception {
        byte[] declared = utf8(HEAD + "MIME-Version: 1.0\r\nContent-Transfer-Encoding: 8bit\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n\r\nça va\r\n");
        byte[] undeclared = utf8(HEAD + "MIME-Version: 1.0\r\nContent-Type: image/png\r\n\r\n\u00ff\u00fe");

        assertEquals(HEAD + "MIME-Version: 1.0\r\nContent-Transfer-Encoding: quoted-printable\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n\r\n=C3=A7a va\r\n", ascii(SevenBitBody.of(declared)));
        assertEquals(HEAD + "MIME-Version: 1.0\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n"
                + "\r\nw7/Dvg==\r\n", ascii(SevenBitBody.of(undeclared)));
    }

    @Test
    void whatHasNo7bitFormThatKeepsItIsLeftAsItIs() throws Exception {
        // a part's own 8-bit header text, a part declared quoted-printable that carries raw 8-bit
        // octets, a multipart whose Content-Type does not parse (its parts cannot be found)
        byte[] original = utf8(HEAD + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b1\r\n\r\n"
                + "--b1\r\nContent-Type: text/plain; name=\"Grüße.txt\"\r\n\r\nASCII\r\n"
                + "--b1\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nraw ü\r\n"
                + "--b1\r\nContent-Type: multipart/mixed; boundary=in ner\r\n\r\n--in ner\r\n\r\nü\r\n--in ner--\r\n"
                + "--b1--\r\n");

        assertArrayEquals(original, SevenBitBody.of(original));
    }

    @Test
    void partsAreConvertedDownToTheLimitsLevelsAndADeeperOneGoesAsItIs() throws Exception {
        byte[] atLimit = nested(Limits.MAX_CONVERTED_MIME_DEPTH);
        byte[] deeper = nested(Limits.MAX_CONVERTED_MIME_DEPTH + 1);
        byte[] at5000 = nested(5000);

        byte[] converted = SevenBitBody.of(atLimit);
        assertSevenBitLines(converted);
        assertEquals(leaves(atLimit), leaves(converted));
        assertArrayEquals(deeper, SevenBitBody.of(deeper));
        assertArrayEquals(at5000, SevenBitBody.of(at5000), "each level is read once more: the depth bounds the work");
    }

    /** A message of {@code levels} multiparts, one inside the other, with an 8bit text part in the innermost. */
    private static byte[] nested(int levels) {
        String part = "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGrüße\r\n";
        for (int level = levels; level >= 1; level--) {
            part = "Content-Type: multipart/mixed; boundary=b" + level + "\r\n\r\n--b" + level + "\r\n" + part
                    + "\r\n--b" + level + "--\r\n";
        }
        return utf8(HEAD + "MIME-Version: 1.0\r\n" + part);
    }

    @Test
    void aBareLineFeedIsRefusedAsSigningWouldRefuseIt() {
        byte[] bareLf = utf8(HEAD + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nü\nx\r\n");

        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> SevenBitBody.of(bareLf));
        assertTrue(e.getMessage().contains("bare LF"), e.getMessage());
    }

    /** The reviewer's case: a PGP/MIME or S/MIME signature covers the signed part's octets as sent (RFC 1847 §2.1). */
    @Test
    void aSignedMultipartGoesAsItIs() throws Exception {
        byte[] signed = utf8(HEAD + "MIME-Version: 1.0\r\n"
                + "Content-Type: multipart/signed; protocol=\"application/pgp-signature\"; micalg=pgp-sha256; boundary=s\r\n"
                + "\r\n--s\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGrüße\r\n"
                + "--s\r\nContent-Type: application/pgp-signature\r\n\r\n-----BEGIN PGP SIGNATURE-----\r\nx\r\n"
                + "-----END PGP SIGNATURE-----\r\n--s--\r\n");

        assertArrayEquals(signed, SevenBitBody.of(signed));
    }

    /** The reviewer's case: quoted-printable on a message/rfc822 is illegal but decoded by readers, so it stays. */
    @Test
    void anEncodedMessagePartIsNotRelabelledSevenBit() throws Exception {
        byte[] original = utf8(HEAD + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
                + "Content-Type: message/rfc822\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                + "Subject: x\r\n\r\na=3Db ü\r\n--b--\r\n");

        assertArrayEquals(original, SevenBitBody.of(original));
    }

    /**
     * The reviewer's case: Cyrillic or CJK text would nearly triple in quoted-printable and be
     * refused as too big; base64 grows it by a third. Mostly-ASCII text stays quoted-printable.
     */
    @Test
    void mostlyNonLatinTextIsBase64AndMostlyLatinTextQuotedPrintable() throws Exception {
        byte[] cyrillic = utf8(HEAD + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Transfer-Encoding: 8bit (Outlook)\r\n\r\n" + "Привет, мир. ".repeat(40) + "\r\n");
        byte[] german = utf8(HEAD + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n\r\n" + "Viele Grüße aus Köln. ".repeat(30) + "\r\n");

        byte[] fromCyrillic = SevenBitBody.of(cyrillic);
        byte[] fromGerman = SevenBitBody.of(german);
        assertTrue(new String(fromCyrillic, StandardCharsets.US_ASCII).contains("Content-Transfer-Encoding: base64\r\n"));
        assertTrue(fromCyrillic.length < cyrillic.length * 3 / 2, fromCyrillic.length + " octets from " + cyrillic.length);
        assertTrue(new String(fromGerman, StandardCharsets.US_ASCII)
                .contains("Content-Transfer-Encoding: quoted-printable\r\n"));
        assertEquals(leaves(cyrillic), leaves(fromCyrillic));
        assertEquals(leaves(german), leaves(fromGerman));
    }

    // --- helpers ---------------------------------------------------------------------------------

    /** Every octet 7-bit, every line ending in CRLF and at most 998 octets long. */
    static void assertSevenBitLines(byte[] message) {
        int lineStart = 0;
        for (int i = 0; i < message.length; i++) {
            assertTrue(message[i] >= 0, "8-bit octet at " + i);
            if (message[i] == '\n') {
                assertEquals('\r', message[i - 1], "bare LF at " + i);
                assertTrue(i - 1 - lineStart <= 998, "line at " + lineStart + " is " + (i - 1 - lineStart) + " octets");
                lineStart = i + 1;
            }
        }
    }

    /** The decoded content of every leaf part, in order, as octets (as a reader gets them). */
    static List<String> leaves(byte[] message) throws Exception {
        List<String> out = new ArrayList<>();
        collect(parse(message), out, false);
        return out;
    }

    private static List<String> types(byte[] message) throws Exception {
        List<String> out = new ArrayList<>();
        collect(parse(message), out, true);
        return out;
    }

    private static void collect(Part part, List<String> out, boolean types) throws Exception {
        String type = part.getContentType().toLowerCase(java.util.Locale.ROOT);
        if (types) {
            out.add(type.split(";")[0].strip());
        }
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                collect(multipart.getBodyPart(i), out, types);
            }
        } else if (part.isMimeType("message/rfc822")) {
            collect((Part) part.getContent(), out, types);
        } else if (!types) {
            try (InputStream in = part.getInputStream()) {
                out.add(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
            }
        }
    }

    private static MimeMessage parse(byte[] message) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(message));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String ascii(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
