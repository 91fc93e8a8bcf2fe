package dev.liaison.smtp.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.liaison.smtp.submission.Limits;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
        MessageDraft inbound = new MessageDraft(LIMITS, HeaderRules.forInbound("mx.x.example"));
        for (String line : new String[] {"Bcc: b@x.example", "", "x"}) {
            inbound.append((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }
        assertEquals(0, inbound.blindCopyFields().length);
        assertTrue(new String(inbound.assemble(new byte[0]), StandardCharsets.ISO_8859_1).startsWith("Bcc: b@x.example\r\n"));
    }

    @Test
    void existingMessageIdIsNoticedInAnyCase() {
        assertTrue(draft("message-id: <a@b>", "", "x").hasMessageId());
        assertFalse(draft("Subject: none", "", "x").hasMessageId());
    }

    @Test
    void bodyLineInTheHeaderSectionStartsTheBodyBehindAnInsertedEmptyLine() {
        MessageDraft draft = draft("Subject: s", "no colon here", "second");
        assertEquals("T\r\nSubject: s\r\n\r\nno colon here\r\nsecond\r\n", assemble(draft));
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

    private static MessageDraft draft(String... lines) {
        return draft(Limits.DEFAULT, lines);
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

    private static String assemble(MessageDraft draft) {
        return new String(draft.assemble("T\r\n".getBytes(StandardCharsets.US_ASCII)), StandardCharsets.US_ASCII);
    }
}
