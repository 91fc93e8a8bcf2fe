package dev.liaison.smtp.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.liaison.smtp.submission.Limits;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageDraftTest {

    private static final Limits LIMITS = new Limits(200, 1000, 3, 120, 10, 10, 10, Duration.ofMinutes(1),
            Limits.AuthThrottling.DEFAULT);

    @Test
    void bccAndResentBccAreDroppedWithTheirContinuationLines() {
        MessageDraft draft = draft("From: a@x.example", "Bcc: hidden@x.example,", "\tmore@x.example",
                "resent-bcc: r@x.example", "Subject: s", "", "Bcc: in the body stays");
        assertEquals("T\r\nFrom: a@x.example\r\nSubject: s\r\n\r\nBcc: in the body stays\r\n", assemble(draft));
        assertEquals("Bcc: hidden@x.example,\r\n\tmore@x.example\r\nresent-bcc: r@x.example\r\n",
                new String(draft.blindCopyFields(), StandardCharsets.ISO_8859_1), "kept aside for the sender's own copy");
    }

    @Test
    void aMessageWithoutBlindCopiesKeepsNoneAsideAndAnMxKeepsBccInTheMessage() {
        assertEquals(0, draft("From: a@x.example", "Subject: s", "", "Bcc: in the body").blindCopyFields().length);
        MessageDraft inbound = new MessageDraft(LIMITS, HeaderRules.forInbound("mx.x.example", java.util.Set.of("x.example")));
        for (String line : new String[] {"Bcc: b@x.example", "", "x"}) {
            inbound.append((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }
        assertEquals(0, inbound.blindCopyFields().length);
        assertTrue(new String(inbound.assemble(new byte[0]), StandardCharsets.ISO_8859_1).startsWith("Bcc: b@x.example\r\n"));
    }

    @Test
    void aRefusedMessageLetsItsOctetsGoAtOnceAndTheRestIsOnlyRead() {
        OctetBudget budget = new OctetBudget(1000, 1000);
        MessageDraft big = new MessageDraft(LIMITS_1000, HeaderRules.forSubmission(), budget, "user:a", null);
        big.append(line("Subject: s"));
        big.append(line(""));
        big.append(line("x".repeat(500)));
        assertFalse(budget.take("user:b", 1), "the first message holds the budget");
        big.append(line("x".repeat(600))); // over maxMessageOctets: refused
        assertEquals("552", big.refusal().orElseThrow().code());
        assertTrue(budget.take("user:b", 1000), "its octets went back before the end of DATA");
        big.append(line("more"));
        big.release(); // at the end of DATA: nothing more to give
        assertFalse(budget.take("user:c", 1), "given back once, not twice");
    }

    @Test
    void aMessageSlowerThanThePaceIsRefusedWith451AndLetsItsOctetsGo() throws Exception {
        OctetBudget budget = new OctetBudget(1000, 1000);
        MessageDraft slow = new MessageDraft(LIMITS_1000, HeaderRules.forSubmission(), budget, "peer",
                new ArrivalPace(1_000_000, Duration.ZERO));
        slow.append(line("Subject: s"));
        assertTrue(slow.refusal().isEmpty());
        Thread.sleep(50); // 50,000 octets due by now; about 12 came
        slow.append(line("x"));
        assertEquals("451", slow.refusal().orElseThrow().code());
        assertTrue(slow.refusal().get().text().startsWith("4.4.2"));
        assertTrue(budget.take("other", 1000), "its octets went back");
    }

    @Test
    void existingMessageIdIsNoticedInAnyCase() {
        assertTrue(draft("message-id: <a@b>", "", "x").hasMessageId());
        assertFalse(draft("Subject: none", "", "x").hasMessageId());
    }

    @Test
    void atTheMxABodyLineInTheHeaderSectionStartsTheBodyBehindAnInsertedEmptyLine() {
        MessageDraft draft = inbound("Subject: s", "no colon here", "second");
        assertEquals("T\r\nSubject: s\r\n\r\nno colon here\r\nsecond\r\n", assemble(draft));
    }

    @Test
    void atSubmissionALineThatIsNoFieldRefusesTheMessageSoNoFieldAfterItReachesTheBody() {
        MessageDraft mbox = draft("From alex@x.example Fri Nov 27 10:00:00 2026", "From: a@x.example",
                "Bcc: secret@x.example", "", "x");
        DataRefusal refusal = mbox.refusal().orElseThrow();
        assertEquals("554", refusal.code());
        assertTrue(refusal.text().startsWith("5.6.0 Message header line 1 "), refusal.text());
        assertEquals(0, mbox.blindCopyFields().length, "a refused message keeps nothing");
        assertEquals("554", draft("From: a@x.example", "X Bad Name: 1", "Bcc: b@x.example", "", "x")
                .refusal().orElseThrow().code());
        assertTrue(draft("From: a@x.example", "Subject: s", "no empty line before the body").refusal().isPresent());
        assertTrue(draft(" leading white space", "From: a@x.example", "", "x").refusal().isPresent());
        assertFalse(draft("From: a@x.example", "Subject: s", "\tfolded", "", "Any: line", "in the body").refusal().isPresent());
    }

    @Test
    void whiteSpaceBeforeTheColonStillNamesTheField() {
        MessageDraft draft = draft("From: a@x.example", "BCC : spaced@x.example", "Bcc\t:tab@x.example",
                "Subject : s", "", "x");
        assertFalse(draft.refusal().isPresent());
        assertEquals("T\r\nFrom: a@x.example\r\nSubject : s\r\n\r\nx\r\n", assemble(draft));
        assertEquals("BCC : spaced@x.example\r\nBcc\t:tab@x.example\r\n",
                new String(draft.blindCopyFields(), StandardCharsets.ISO_8859_1));
        MessageDraft forged = inbound("Authentication-Results : mx.x.example; spf=pass", "From: a@x.example", "", "x");
        assertEquals("T\r\nFrom: a@x.example\r\n\r\nx\r\n", assemble(forged), "the MX drops a forged verdict written so");
    }

    @Test
    void leadingDotIsUnstuffed() {
        assertEquals("T\r\nSubject: s\r\n\r\n.\r\n..x\r\n", assemble(draft("Subject: s", "", "..", "...x")));
    }

    @Test
    void limitsAreReportedAndStorageStops() {
        assertEquals("552", limited("A: 1", "B: 2", "C: 3", "D: 4").refusal().orElseThrow().code());
        assertTrue(limited("A: " + "x".repeat(130)).refusal().orElseThrow().text().contains("header section"));
        MessageDraft big = limited("Subject: s", "", "y".repeat(100), "z".repeat(100));
        assertTrue(big.refusal().orElseThrow().text().contains("Message too big"));
        assertFalse(limited("A: 1", "B: 2", "C: 3", "", "x").refusal().isPresent());
    }

    /**
     * A long line in parts (as the MX's framer passes it): only its first octets can be the
     * transparency dot, a part that reads {@code .CRLF} or starts with a dot is line content, and a
     * header field's parts stay in that field.
     */
    @Test
    void aLineInPartsIsJoinedAsSentAndOnlyItsStartIsUnstuffed() {
        MessageDraft draft = new MessageDraft(Limits.DEFAULT, HeaderRules.forInbound("mx.x.example", java.util.Set.of("x.example")));
        for (String piece : new String[] {"From: a@x.example\r\n", "X-Long: one", " two", ".three\r\n", "\r\n",
                "..stuffed", ".", ".\r\n", "\r\n", "after\r\n"}) {
            draft.append(piece.getBytes(StandardCharsets.US_ASCII));
        }
        assertFalse(draft.refusal().isPresent());
        assertEquals(List.of("From: a@x.example", "X-Long: one two.three"), draft.headerFields());
        assertEquals("T\r\nFrom: a@x.example\r\nX-Long: one two.three\r\n\r\n.stuffed..\r\n\r\nafter\r\n", assemble(draft));
    }

    @Test
    void aHeaderLineInPartsCountsTowardsTheHeaderSection() {
        MessageDraft draft = new MessageDraft(LIMITS, HeaderRules.forSubmission());
        draft.append("Subject: ".getBytes(StandardCharsets.US_ASCII));
        draft.append("s".repeat(150).getBytes(StandardCharsets.US_ASCII));
        assertTrue(draft.refusal().orElseThrow().text().contains("header section"));
    }

    private static final Limits LIMITS_1000 = new Limits(1000, 1000, 10, 500, 10, 10, 10, Duration.ofMinutes(1),
            Limits.AuthThrottling.DEFAULT);

    private static byte[] line(String text) {
        return (text + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static MessageDraft draft(String... lines) {
        return draft(Limits.DEFAULT, lines);
    }

    private static MessageDraft inbound(String... lines) {
        MessageDraft draft = new MessageDraft(Limits.DEFAULT, HeaderRules.forInbound("mx.x.example", java.util.Set.of("x.example")));
        for (String line : lines) {
            draft.append((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        return draft;
    }

    private static MessageDraft limited(String... lines) {
        return draft(LIMITS, lines);
    }

    private static MessageDraft draft(Limits limits, String... lines) {
        MessageDraft draft = new MessageDraft(limits, HeaderRules.forSubmission());
        for (String line : lines) {
            draft.append((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        return draft;
    }

    /**
     * The MX passes a line too long for its framer in parts, which may split a UTF-8 character: the
     * field is checked whole, so the split character is UTF-8 and a Latin-1 octet in a later
     * continuation line is not.
     */
    @Test
    void theMxChecksUtf8PerWholeFieldEvenWhenALongLineArrivesInParts() {
        byte[] subject = "Subject: Grüße\r\n".getBytes(StandardCharsets.UTF_8);
        int split = "Subject: Gr".length() + 1; // between the two octets of 'ü'
        MessageDraft parts = new MessageDraft(LIMITS, HeaderRules.forInbound("mx.x.example", java.util.Set.of("x.example")));
        parts.append(java.util.Arrays.copyOfRange(subject, 0, split));
        parts.append(java.util.Arrays.copyOfRange(subject, split, subject.length));
        parts.append(line(""));
        assertTrue(parts.refusal().isEmpty(), String.valueOf(parts.refusal()));
        assertEquals(List.of(new String(subject, 0, subject.length - 2, StandardCharsets.ISO_8859_1)), parts.headerFields());

        MessageDraft latin1 = new MessageDraft(LIMITS, HeaderRules.forInbound("mx.x.example", java.util.Set.of("x.example")));
        latin1.append("Subject: Gr\u00fc\u00dfe\r\n".getBytes(StandardCharsets.UTF_8));
        latin1.append("\tgr\u00fcn\r\n".getBytes(StandardCharsets.ISO_8859_1));
        latin1.append(line("From: a@x.example"));
        assertEquals("554", latin1.refusal().orElseThrow().code());
        assertTrue(latin1.refusal().orElseThrow().text().contains("not UTF-8"));
    }

    private static String assemble(MessageDraft draft) {
        return new String(draft.assemble("T\r\n".getBytes(StandardCharsets.US_ASCII)), StandardCharsets.US_ASCII);
    }
}
