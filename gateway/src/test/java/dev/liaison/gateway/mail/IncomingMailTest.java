package dev.liaison.gateway.mail;

import static dev.liaison.gateway.mail.TestMail.body;
import static dev.liaison.gateway.mail.TestMail.concat;
import static dev.liaison.gateway.mail.TestMail.headerSection;
import static dev.liaison.gateway.mail.TestMail.octets;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IncomingMailTest {

    private static final String ALIAS = "blair.k7q2xm@alex.example";
    private static final String RECIPIENT = "alex@alex.example";

    private static final String SEALED_FIELDS = ""
            + "Subject: Lunch\r\n\ttomorrow?\r\n"
            + "Date: Tue, 3 Jun 2025 10:00:00 +0000\r\n"
            + "Message-ID: <2oi7atcrzmf7w7nkpj2nyw3mu2@liaison.invalid>\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed;\r\n boundary=\"b1\"\r\n";

    private static byte[] sealed(String extraFields) {
        return concat(octets(SEALED_FIELDS + extraFields + "\r\n"), TestMail.awkwardMultipartBody(7));
    }

    @Test
    void fromAndToAreWrittenAheadOfTheSealedFieldsWhichKeepTheirOctets() throws Exception {
        byte[] delivered = IncomingMail.deliverable(sealed(""), "Blair", ALIAS, RECIPIENT);

        assertEquals("From: \"Blair\" <" + ALIAS + ">\r\nTo: <" + RECIPIENT + ">\r\n" + SEALED_FIELDS,
                headerSection(delivered));
        assertArrayEquals(TestMail.awkwardMultipartBody(7), body(delivered));
    }

    @Test
    void fieldsAPeerSentOutsideTheWhitelistAreDropped() throws Exception {
        byte[] delivered = IncomingMail.deliverable(sealed(""
                + "From: \"Your Bank\" <security@bank.example>\r\n"
                + "Sender: security@bank.example\r\n"
                + "Reply-To: phish@evil.example\r\n"
                + "To: someone@else.example\r\n"
                + "Cc: other@else.example\r\n"
                + "Received: from evil.example\r\n"
                + "Disposition-Notification-To: track@evil.example\r\n"
                + "X-Priority: 1\r\n"), "Blair", ALIAS, RECIPIENT);

        String header = headerSection(delivered);
        for (String dropped : new String[] {"bank.example", "evil.example", "else.example", "Received"}) {
            assertFalse(header.contains(dropped), () -> header);
        }
        assertTrue(header.endsWith("X-Priority: 1\r\n"), header);
        MimeMessage parsed = TestMail.parse(delivered);
        assertEquals(1, parsed.getFrom().length);
        assertEquals(ALIAS, ((InternetAddress) parsed.getFrom()[0]).getAddress());
        assertEquals(RECIPIENT, ((InternetAddress) parsed.getRecipients(Message.RecipientType.TO)[0]).getAddress());
        assertNull(parsed.getRecipients(Message.RecipientType.CC));
        assertEquals(ALIAS, ((InternetAddress) parsed.getReplyTo()[0]).getAddress(), "Reply goes to the alias");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Blair\r\nBcc: everyone@example.com",
        "Blair\nFrom: boss@corp.example",
        "Blair\rTo: x@y",
        "Blair\" <boss@corp.example>, \"x",
        "back\\slash \"quoted\" \\\"",
        "Blair\u0085NEL\u2028LS\u0000NUL\u007fDEL",
        "=?UTF-8?B?Qm9zcyA8Ym9zc0Bjb3JwLmV4YW1wbGU+?=",
    })
    void hostileDisplayNamesCannotAddFieldsOrAddresses(String peerName) throws Exception {
        byte[] delivered = IncomingMail.deliverable(sealed(""), peerName, ALIAS, RECIPIENT);

        String header = headerSection(delivered);
        assertEquals(SEALED_FIELDS, header.substring(header.indexOf("Subject:")), "nothing added after From and To");
        assertEquals(List.of("From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type"),
                header.lines().filter(line -> !line.startsWith(" ") && !line.startsWith("\t"))
                        .map(line -> line.substring(0, line.indexOf(':'))).toList(),
                "the name stays inside From (continuation lines only)");
        MimeMessage parsed = TestMail.parse(delivered);
        Address[] from = parsed.getFrom();
        assertEquals(1, from.length);
        InternetAddress mailbox = (InternetAddress) from[0];
        assertEquals(ALIAS, mailbox.getAddress());
        assertEquals(HeaderText.clean(peerName, MailLimits.MAX_DISPLAY_NAME_CODE_POINTS), mailbox.getPersonal());
        assertEquals(1, parsed.getRecipients(Message.RecipientType.TO).length);
        assertNull(parsed.getHeader("Bcc"));
    }

    @Test
    void controlCharactersInNamesBecomeSingleSpaces() throws Exception {
        byte[] delivered = IncomingMail.deliverable(sealed(""), "  Blair\r\n\r\nKim\t ", ALIAS, RECIPIENT);

        assertTrue(headerSection(delivered).startsWith("From: \"Blair Kim\" <" + ALIAS + ">\r\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Zoë", "東京の友達", "Ολυμπία Παπαδοπούλου-Καραγιάννη και η παρέα της από το γυμναστήριο", "😀 emoji"})
    void nonAsciiNamesAreEncodedWordsThatDecodeToTheName(String peerName) throws Exception {
        byte[] delivered = IncomingMail.deliverable(sealed(""), peerName, ALIAS, RECIPIENT);

        String header = headerSection(delivered);
        assertTrue(header.chars().allMatch(c -> c < 0x80), "header written by us is ASCII");
        assertTrue(header.lines().allMatch(line -> line.length() <= 78), header);
        InternetAddress from = (InternetAddress) TestMail.parse(delivered).getFrom()[0];
        assertEquals(peerName, from.getPersonal());
        assertEquals(ALIAS, from.getAddress());
    }

    @Test
    void emptyNameGivesABareAddress() throws Exception {
        byte[] delivered = IncomingMail.deliverable(sealed(""), " \r\n ", ALIAS, RECIPIENT);

        assertTrue(headerSection(delivered).startsWith("From: <" + ALIAS + ">\r\nTo: <" + RECIPIENT + ">\r\n"));
    }

    @Test
    void overlongNamesAreCut() throws Exception {
        byte[] delivered = IncomingMail.deliverable(sealed(""), "n".repeat(5000), ALIAS, RECIPIENT);

        InternetAddress from = (InternetAddress) TestMail.parse(delivered).getFrom()[0];
        assertEquals("n".repeat(MailLimits.MAX_DISPLAY_NAME_CODE_POINTS), from.getPersonal());
    }

    @ParameterizedTest
    @ValueSource(strings = {"blair@alex.example>\r\nBcc: x@y", "a b@c", "<a@b>", "no-at-sign", "a@b\r\n"})
    void aliasThatIsNotAPlainAddressIsAProgrammingError(String alias) {
        assertThrows(IllegalArgumentException.class, () -> IncomingMail.deliverable(sealed(""), "B", alias, RECIPIENT));
        assertThrows(IllegalArgumentException.class, () -> IncomingMail.deliverable(sealed(""), "B", ALIAS, alias));
    }

    @Test
    void sealedMessageWithoutMessageIdIsMalformed() {
        byte[] noId = octets("Subject: x\r\nDate: Tue, 3 Jun 2025 10:00:00 +0000\r\n\r\nbody\r\n");
        assertThrows(MalformedMailException.class, () -> IncomingMail.deliverable(noId, "B", ALIAS, RECIPIENT));
    }

    @Test
    void messageWithoutDateIsDeliveredWithoutOne() throws Exception {
        byte[] delivered = IncomingMail.deliverable(octets("Message-ID: <a@liaison.invalid>\r\n\r\nhi\r\n"), "B", ALIAS,
                RECIPIENT);

        assertFalse(headerSection(delivered).contains("Date:"));
    }

    @Test
    void aMessageWithAttachmentsSurvivesTheRoundTripForAMailClient() throws Exception {
        byte[] png = new byte[4000];
        new Random(3).nextBytes(png);
        byte[] submitted = concat(octets("From: Alex <alex@alex.example>\r\nTo: blair.k7q2xm@alex.example\r\n"
                + "Subject: =?UTF-8?Q?Fotos_vom_Lauf_=F0=9F=8F=83?=\r\nMessage-ID: <p@laptop.home>\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"xyz\"\r\n\r\n"
                + "--xyz\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                + "Sch=C3=B6n war's!\r\n--xyz\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n"
                + "Content-Disposition: attachment; filename=\"lauf.png\"\r\n\r\n"),
                TransferEncoding.base64(png), octets("--xyz--\r\n"));

        byte[] delivered = IncomingMail.deliverable(OutgoingMail.prepare(submitted).sealed(), "Alex",
                "alex.p3v8wq@blair.example", "blair@blair.example");

        MimeMessage message = TestMail.parse(delivered);
        assertEquals("Fotos vom Lauf 🏃", MimeUtility.decodeText(message.getHeader("Subject", null)));
        MimeMultipart parts = new MimeMultipart(message.getDataHandler().getDataSource());
        assertEquals("Schön war's!", new String(parts.getBodyPart(0).getInputStream().readAllBytes(), "UTF-8"));
        assertEquals("lauf.png", parts.getBodyPart(1).getFileName());
        ByteArrayOutputStream image = new ByteArrayOutputStream();
        parts.getBodyPart(1).getInputStream().transferTo(image);
        assertArrayEquals(png, image.toByteArray());
        assertArrayEquals(body(submitted), body(delivered));
    }
}
