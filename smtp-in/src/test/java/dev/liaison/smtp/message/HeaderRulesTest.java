package dev.liaison.smtp.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Which header fields each service drops (RFC 8601 §5 for forged Authentication-Results). */
class HeaderRulesTest {

    private final HeaderRules inbound = HeaderRules.forInbound("mx.gw.example", java.util.Set.of("alex.example"));

    @Test
    void authservIdIsTheFirstValueAfterCommentsAndFolds() {
        assertEquals("mx.gw.example", HeaderRules.authservId("Authentication-Results: mx.gw.example; spf=pass", 23));
        assertEquals("mx.gw.example", HeaderRules.authservId("Authentication-Results:\r\n\t(x (nested)) MX.gw.example. 1; none", 23));
        assertEquals("mx.gw.example", HeaderRules.authservId("Authentication-Results: \"mx.gw.example\"; none", 23));
        assertEquals("other.example", HeaderRules.authservId("Authentication-Results: other.example;", 23));
    }

    @Test
    void inboundDropsOnlyResultsClaimingThisHost() {
        assertTrue(inbound.drops("Authentication-Results", field("Authentication-Results: mx.gw.example; dkim=pass\r\n")));
        assertTrue(inbound.drops("authentication-results", field("authentication-results: MX.GW.EXAMPLE;\r\n")));
        assertFalse(inbound.drops("Authentication-Results", field("Authentication-Results: mx.gw.example.evil; x\r\n")));
        assertFalse(inbound.drops("Authentication-Results", field("Authentication-Results: relay.example; spf=pass\r\n")));
        assertFalse(inbound.drops("Bcc", field("Bcc: someone@x.example\r\n")), "an MX delivers what it was given");
    }

    @Test
    void inboundDropsResultsNamingAServedDomainOrANameUnderIt() {
        // a filter or client trusting verdicts that name the user's own domain must not meet a forged one
        assertTrue(inbound.drops("Authentication-Results", field("Authentication-Results: alex.example; dmarc=pass\r\n")));
        assertTrue(inbound.drops("Authentication-Results", field("Authentication-Results: MX2.Alex.Example; dkim=pass\r\n")));
        assertFalse(inbound.drops("Authentication-Results", field("Authentication-Results: notalex.example; spf=pass\r\n")));
        assertFalse(inbound.drops("Authentication-Results", field("Authentication-Results: alex.example.evil; spf=pass\r\n")));
    }

    @Test
    void submissionDropsBlindCopiesAndAllowsEightBit() {
        HeaderRules submission = HeaderRules.forSubmission();
        assertTrue(submission.drops("Bcc", field("Bcc: a@x.example\r\n")));
        assertTrue(submission.drops("Resent-Bcc", field("Resent-Bcc: a@x.example\r\n")));
        assertTrue(submission.blindCopy("bcc") && submission.blindCopy("Resent-Bcc"), "kept aside for the sender");
        assertFalse(submission.blindCopy("Cc") || inbound.blindCopy("Bcc"));
        assertFalse(submission.drops("Authentication-Results", field("Authentication-Results: mx.gw.example;\r\n")));
        assertTrue(submission.eightBitAllowed(), "the gateway refuses it only where it would leave as plain email");
        assertFalse(inbound.eightBitAllowed());
    }

    private static OctetBuffer field(String text) {
        OctetBuffer buffer = new OctetBuffer(64);
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        buffer.append(bytes, 0, bytes.length);
        return buffer;
    }
}
