package dev.liaison.gateway.mail;

import static dev.liaison.gateway.mail.TestMail.body;
import static dev.liaison.gateway.mail.TestMail.concat;
import static dev.liaison.gateway.mail.TestMail.headerSection;
import static dev.liaison.gateway.mail.TestMail.latin1;
import static dev.liaison.gateway.mail.TestMail.octets;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class OutgoingMailTest {

    /** SHA-256, base32, lowercase, 26 characters: computed independently with Python's hashlib and base64. */
    private static final String ORIGINAL_ID = "<2oi7atcrzmf7w7nkpj2nyw3mu2@liaison.invalid>";
    private static final String PARENT_ID = "<p3vym37r634hz637batenp2han@liaison.invalid>";
    private static final String ROOT_ID = "<6san2qcgt44enmfneaqlcpymj5@liaison.invalid>";

    private static final String REVEALING_FIELDS = ""
            + "Received: from laptop.home ([192.0.2.7])\r\n\tby gw.alex.example with ESMTPSA id abc;\r\n"
            + "\tTue, 3 Jun 2025 10:00:00 +0000\r\n"
            + "Return-Path: <alex@alex.example>\r\n"
            + "From: Alex <alex@alex.example>\r\n"
            + "To: blair.k7q2xm@alex.example\r\n"
            + "Cc: other.x1@alex.example\r\n"
            + "Bcc: secret.z9@alex.example\r\n"
            + "Sender: alex@alex.example\r\n"
            + "Reply-To: alex@alex.example\r\n";

    private static final String KEPT_FIELDS_AND_MORE = ""
            + "Subject: Lunch\r\n\ttomorrow?\r\n"
            + "Date: Tue, 3 Jun 2025 10:00:00 +0000\r\n"
            + "X-Originating-IP: [192.0.2.7]\r\n"
            + "Message-ID: <1234.5678@laptop.home>\r\n"
            + "User-Agent: Thunderbird/128.0 (X11; Linux)\r\n"
            + "X-Mailer: laptop-mailer\r\n"
            + "DKIM-Signature: v=1; a=rsa-sha256; d=alex.example;\r\n s=sel; b=abc\r\n"
            + "Authentication-Results: gw.alex.example; dkim=pass\r\n"
            + "Disposition-Notification-To: alex@alex.example\r\n"
            + "List-Unsubscribe: <mailto:leave@alex.example>\r\n"
            + "mime-version: 1.0\r\n"
            + "CONTENT-TYPE: multipart/mixed;\r\n boundary=\"b1\"\r\n"
            + "X-Priority: 1\r\n"
            + "Content-ID: <part0.4f2a@laptop.home>\r\n"
            + "Keywords: lunch,\r\n plans\r\n";

    private static byte[] submitted() {
        return concat(octets(REVEALING_FIELDS + KEPT_FIELDS_AND_MORE + "\r\n"), TestMail.awkwardMultipartBody(1));
    }

    @Test
    void sealedKeepsOnlyWhitelistedFieldsInOrderWithTheirFolding() throws Exception {
        byte[] sealed = OutgoingMail.prepare(submitted()).sealed();

        assertEquals("Subject: Lunch\r\n\ttomorrow?\r\n"
                + "Date: Tue, 3 Jun 2025 10:00:00 +0000\r\n"
                + "Message-ID: " + ORIGINAL_ID + "\r\n"
                + "mime-version: 1.0\r\n"
                + "CONTENT-TYPE: multipart/mixed;\r\n boundary=\"b1\"\r\n"
                + "X-Priority: 1\r\n"
                + "Keywords: lunch,\r\n plans\r\n", headerSection(sealed));
    }

    /**
     * The fields that stop automatic responders answering each other travel when they hold only
     * keywords (RFC 3834 Auto-Submitted, Precedence, X-Auto-Response-Suppress); one with a
     * parameter, which may name someone, is dropped.
     */
    @Test
    void loopPreventionFieldsTravelWhenTheyHoldOnlyKeywords() throws Exception {
        byte[] message = octets("Message-ID: <loop@alex.example>\r\nAuto-Submitted: auto-replied\r\n"
                + "Precedence: bulk\r\nX-Auto-Response-Suppress: OOF,\r\n AutoReply\r\n"
                + "Auto-Submitted: auto-generated; owner-email=\"alex@alex.example\"\r\nSubject: away\r\n\r\nbody\r\n");
        String header = headerSection(OutgoingMail.prepare(message).sealed());
        assertEquals("Auto-Submitted: auto-replied\r\nPrecedence: bulk\r\n"
                + "X-Auto-Response-Suppress: OOF,\r\n AutoReply\r\nSubject: away\r\n",
                header.substring(header.indexOf("\r\n") + 2), "after the Message-ID, rewritten as always");
    }

    @Test
    void sealedHeaderSectionNamesNoAccountHostAddressOrClient() throws Exception {
        String header = headerSection(OutgoingMail.prepare(submitted()).sealed()).toLowerCase();

        for (String revealing : List.of("alex", "laptop", "192.0.2.7", "thunderbird", "secret", "other.x1", "blair")) {
            assertFalse(header.contains(revealing), () -> "sealed header section mentions " + revealing + ":\n" + header);
        }
    }

    @Test
    void bodyOfBothResultsIsByteIdenticalToTheSubmittedBody() throws Exception {
        byte[] submitted = submitted();
        OutgoingMail.Prepared prepared = OutgoingMail.prepare(submitted);

        assertArrayEquals(TestMail.awkwardMultipartBody(1), body(prepared.sealed()));
        assertArrayEquals(body(submitted), body(prepared.sentCopy()));
    }

    @Test
    void fieldsForTheSentCopyOnlyGoAtTheEndOfItsHeaderSectionAndNowhereElse() throws Exception {
        byte[] submitted = submitted();
        OutgoingMail.Prepared plain = OutgoingMail.prepare(submitted);
        OutgoingMail.Prepared prepared = OutgoingMail.prepare(submitted,
                octets("Bcc: kept.q4@alex.example\r\n"));

        String header = headerSection(plain.sentCopy());
        assertEquals(header + "Bcc: kept.q4@alex.example\r\n", headerSection(prepared.sentCopy()));
        assertArrayEquals(body(plain.sentCopy()), body(prepared.sentCopy()), "the body is untouched");
        assertArrayEquals(plain.sealed(), prepared.sealed(), "what leaves is the same");
    }

    @Test
    void sentCopyIsTheSubmissionWithRewrittenIdsAndWithoutBcc() throws Exception {
        byte[] submitted = submitted();
        byte[] sentCopy = OutgoingMail.prepare(submitted).sentCopy();

        String expected = latin1(submitted)
                .replace("Bcc: secret.z9@alex.example\r\n", "")
                .replace("Message-ID: <1234.5678@laptop.home>\r\n", "Message-ID: " + ORIGINAL_ID + "\r\n");
        assertEquals(expected, latin1(sentCopy));
    }

    @Test
    void idsAreRewrittenDeterministically() throws Exception {
        OutgoingMail.Prepared first = OutgoingMail.prepare(submitted());
        OutgoingMail.Prepared second = OutgoingMail.prepare(submitted());

        assertEquals(first, second);
        assertArrayEquals(first.sealed(), second.sealed());
    }

    @Test
    void rewritingIsIdempotent() throws Exception {
        OutgoingMail.Prepared once = OutgoingMail.prepare(reply("Message-ID: <reply@laptop.home>\r\n"
                + "In-Reply-To: <parent@laptop.home>\r\n"
                + "References: <root@elsewhere.example> <parent@laptop.home>\r\n"));

        OutgoingMail.Prepared twice = OutgoingMail.prepare(once.sealed());

        assertArrayEquals(once.sealed(), twice.sealed());
        assertArrayEquals(once.sealed(), twice.sentCopy());
    }

    @Test
    void aRepliesInReplyToEqualsTheRewrittenMessageIdOfItsOriginalOnBothSides() throws Exception {
        OutgoingMail.Prepared original = OutgoingMail.prepare(reply("Message-ID: <parent@laptop.home>\r\n"));
        String delivered = messageId(IncomingMail.deliverable(original.sealed(), "Alex", "alex.p3v8wq@blair.example",
                "blair@blair.example"));
        // Blair's client replies to what it was shown, Alex's client to its Sent copy (same thread either way).
        OutgoingMail.Prepared blairsReply = OutgoingMail.prepare(reply("Message-ID: <r1@blairs-phone>\r\n"
                + "In-Reply-To: " + delivered + "\r\nReferences: " + delivered + "\r\n"));
        OutgoingMail.Prepared alexsFollowUp = OutgoingMail.prepare(reply("Message-ID: <r2@laptop.home>\r\n"
                + "In-Reply-To: <parent@laptop.home>\r\n"));

        assertEquals(PARENT_ID, messageId(original.sentCopy()));
        assertEquals(PARENT_ID, field(blairsReply.sealed(), "In-Reply-To"));
        assertEquals(PARENT_ID, field(blairsReply.sealed(), "References"));
        assertEquals(PARENT_ID, field(alexsFollowUp.sealed(), "In-Reply-To"));
        assertEquals(PARENT_ID, field(alexsFollowUp.sentCopy(), "In-Reply-To"));
    }

    @Test
    void referencesKeepEveryIdOnItsOwnLineAndDropCommentsAndPhrases() throws Exception {
        byte[] sealed = OutgoingMail.prepare(reply("Message-ID: <m@laptop.home>\r\n"
                + "In-Reply-To: \"Alex's message of today\" <parent@laptop.home> (sent from laptop.home)\r\n"
                + "References: <root@elsewhere.example> (a comment <not@an.id>)\r\n\t<parent@laptop.home>\r\n")).sealed();

        String header = headerSection(sealed);
        assertTrue(header.contains("In-Reply-To: " + PARENT_ID + "\r\n"), header);
        assertTrue(header.contains("References: " + ROOT_ID + "\r\n " + PARENT_ID + "\r\n"), header);
        assertFalse(header.contains("laptop"), header);
    }

    @Test
    void fieldWithoutAnyParseableIdIsDropped() throws Exception {
        OutgoingMail.Prepared prepared = OutgoingMail.prepare(reply("Message-ID: <m@laptop.home>\r\n"
                + "In-Reply-To: your message of Tuesday (laptop.home)\r\nReferences: <>\r\n"));

        assertFalse(headerSection(prepared.sealed()).contains("In-Reply-To"));
        assertFalse(headerSection(prepared.sealed()).contains("References"));
        assertFalse(headerSection(prepared.sentCopy()).contains("In-Reply-To"));
    }

    @Test
    void longReferencesKeepTheFirstIdAndTheMostRecentOnes() throws Exception {
        StringBuilder references = new StringBuilder("References:");
        for (int i = 0; i < 250; i++) {
            references.append(" <r").append(i).append("@laptop.home>\r\n");
        }
        byte[] sealed = OutgoingMail.prepare(reply("Message-ID: <m@laptop.home>\r\n" + references)).sealed();

        List<String> ids = ids(field(sealed, "References"));
        assertEquals(MailLimits.MAX_REFERENCES, ids.size());
        assertEquals("<" + MessageIds.neutral("r0@laptop.home") + ">", ids.get(0));
        assertEquals("<" + MessageIds.neutral("r151@laptop.home") + ">", ids.get(1));
        assertEquals("<" + MessageIds.neutral("r249@laptop.home") + ">", ids.get(ids.size() - 1));
    }

    @Test
    void missingMessageIdIsMalformed() {
        MalformedMailException e = assertThrows(MalformedMailException.class,
                () -> OutgoingMail.prepare(octets("Subject: hi\r\n\r\nbody\r\n")));
        assertTrue(e.getMessage().contains("Message-ID"), e.getMessage());
    }

    @Test
    void messageIdWithoutAngleBracketsIsMalformed() {
        assertThrows(MalformedMailException.class,
                () -> OutgoingMail.prepare(octets("Message-ID: just-text@host\r\n\r\nbody\r\n")));
    }

    @Test
    void twoMessageIdsAreMalformed() {
        MalformedMailException e = assertThrows(MalformedMailException.class,
                () -> OutgoingMail.prepare(octets("Message-ID: <a@h>\r\nSubject: x\r\nmessage-id: <b@h>\r\n\r\nbody\r\n")));
        assertTrue(e.getMessage().contains("offset"), e.getMessage());
    }

    @Test
    void messageIdFieldWithTwoIdsIsMalformed() {
        assertThrows(MalformedMailException.class,
                () -> OutgoingMail.prepare(octets("Message-ID: <a@h> <b@h>\r\n\r\nbody\r\n")));
    }

    @Test
    void preparedPrintsSizesNotContent() throws Exception {
        String printed = OutgoingMail.prepare(submitted()).toString();

        assertFalse(printed.contains("Lunch"), printed);
        assertTrue(printed.contains("octets"), printed);
    }

    private static byte[] reply(String idFields) {
        return octets("From: Alex <alex@alex.example>\r\nTo: blair.k7q2xm@alex.example\r\nSubject: Re: Lunch\r\n"
                + idFields + "\r\nSee you there.\r\n");
    }

    private static String messageId(byte[] message) {
        return field(message, "Message-ID");
    }

    /** The unfolded value of the first field called {@code name}, trimmed. */
    private static String field(byte[] message, String name) {
        Matcher m = Pattern.compile("(?mi)^" + Pattern.quote(name) + ":((?:[^\r]*)(?:\r\n[ \t][^\r]*)*)")
                .matcher(headerSection(message));
        if (!m.find()) {
            throw new AssertionError("no " + name + " in\n" + headerSection(message));
        }
        return m.group(1).replace("\r\n", "").trim();
    }

    private static List<String> ids(String value) {
        List<String> ids = new ArrayList<>();
        Matcher m = Pattern.compile("<[^>]*>").matcher(value);
        while (m.find()) {
            ids.add(m.group());
        }
        return ids;
    }
}
