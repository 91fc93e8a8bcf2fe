package dev.liaison.gateway.submission;

import dev.liaison.smtp.address.EmailAddress;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SentCopiesTest {

    private static final String HEADER = "Message-ID: <m@alex.test>\r\nFrom: Alex <alex@alex.test>\r\n"
            + "To: \"Blair\" <Blair.k7@alex.test>, team: Casey <casey.p2@alex.test>;\r\n"
            + "Cc: dana@example.org\r\nSubject: s\r\n\r\n";

    @Test
    void recipientsTheHeaderDoesNotNameBecomeOneBccField() {
        byte[] field = SentCopies.blindCopies(new byte[0], bytes(HEADER + "body\r\n"),
                List.of(address("blair.k7@alex.test"), address("casey.p2@alex.test"), address("dana@example.org"),
                        address("erin.q4@alex.test"), address("frank@example.org")));
        assertEquals("Bcc: erin.q4@alex.test, frank@example.org\r\n", text(field),
                "named in To (in any case, in a group) and Cc: not blind");
    }

    @Test
    void everyoneNamedMeansNoField() {
        assertEquals(0, SentCopies.blindCopies(new byte[0], bytes(HEADER),
                List.of(address("blair.k7@alex.test"), address("dana@example.org"))).length);
    }

    /**
     * The recipients' fields are read without Jakarta Mail's header parser: folded values, several
     * fields of one name, UTF-8 names (RFC 6532), obsolete white space before the colon (RFC 5322
     * §4.5), and a field whose name only begins like one of them ({@code To-Do}), which names no one.
     */
    @Test
    void foldedRepeatedAndObsoleteFieldsNameTheirRecipients() {
        byte[] message = bytes("To: \"Zoë Ärger\" <zoe@example.org>,\r\n\tyann@example.org\r\nCC : ines@example.org\r\n"
                + "Cc: jo@example.org\r\nTo-Do: kim@example.org\r\n\r\nTo: lea@example.org\r\n");
        byte[] field = SentCopies.blindCopies(new byte[0], message, List.of(address("zoe@example.org"),
                address("yann@example.org"), address("ines@example.org"), address("jo@example.org"),
                address("kim@example.org"), address("lea@example.org")));
        assertEquals("Bcc: kim@example.org, lea@example.org\r\n", text(field), "To-Do and the body name no one");
    }

    @Test
    void resentFieldsNameRecipientsToo() {
        byte[] message = bytes("Resent-To: g@example.org\r\nResent-Cc: h@example.org\r\nTo: x@example.org\r\n\r\nb");
        assertEquals(0, SentCopies.blindCopies(new byte[0], message,
                List.of(address("g@example.org"), address("h@example.org"))).length);
    }

    @Test
    void theFieldsTheClientSentWinOverWhatRcptSays() {
        byte[] sent = bytes("Bcc: \"Erin\" <erin.q4@alex.test>\r\n");
        assertEquals("Bcc: \"Erin\" <erin.q4@alex.test>\r\n",
                text(SentCopies.blindCopies(sent, bytes(HEADER), List.of(address("erin.q4@alex.test")))));
    }

    @Test
    void anEmptyBccOrOneThatLeavesSomeoneOutGivesWayToTheBlindRecipientsFromRcpt() {
        List<EmailAddress> recipients = List.of(address("blair.k7@alex.test"), address("erin.q4@alex.test"),
                address("frank@example.org"));
        assertEquals("Bcc: erin.q4@alex.test, frank@example.org\r\n",
                text(SentCopies.blindCopies(bytes("Bcc:\r\n"), bytes(HEADER), recipients)), "RFC 5322's empty Bcc");
        assertEquals("Bcc: erin.q4@alex.test, frank@example.org\r\n",
                text(SentCopies.blindCopies(bytes("Bcc: Erin <erin.q4@alex.test>\r\n"), bytes(HEADER), recipients)));
    }

    @Test
    void theGatewaysCopyCoversAClientsCopyOnlyIfItNamesEveryBlindRecipientOfIt() {
        SentCopies copies = new SentCopies();
        byte[] filed = bytes(HEADER.replace("Subject: s\r\n", "Subject: s\r\nBcc: erin.q4@alex.test\r\n"));
        assertTrue(copies.covers(filed, bytes(HEADER)), "no Bcc");
        assertTrue(copies.covers(filed, bytes("Bcc: \"Erin\" <Erin.Q4@alex.test>\r\n" + HEADER)), "the same, written otherwise");
        assertFalse(copies.covers(filed, bytes("Bcc: erin.q4@alex.test, gail@example.org\r\n" + HEADER)),
                "gail was a recipient of another transaction: the client's copy is kept");
        assertFalse(copies.covers(bytes(HEADER), bytes("Resent-Bcc: gail@example.org\r\n" + HEADER)));
        assertFalse(copies.covers(filed, bytes("Bcc: <gail@example.org\r\n" + HEADER)), "unparseable: kept, in doubt");
    }

    @Test
    void aLongListIsFoldedBetweenAddresses() {
        List<EmailAddress> many = java.util.stream.IntStream.range(0, 12)
                .mapToObj(i -> address("recipient" + i + ".abcdef@alex.test")).toList();
        String field = text(SentCopies.blindCopies(new byte[0], bytes(HEADER), many));
        for (String line : field.split("\r\n")) {
            assertTrue(line.length() <= 78, line);
        }
        assertTrue(field.contains(",\r\n recipient"), field);
        assertEquals(field.replace("\r\n ", " ").replace("\r\n", "").replace("Bcc: ", "").split(", ").length, 12);
    }

    private static EmailAddress address(String text) {
        int at = text.indexOf('@');
        return new EmailAddress(text.substring(0, at), text.substring(at + 1));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] octets) {
        return new String(octets, StandardCharsets.US_ASCII);
    }
}
