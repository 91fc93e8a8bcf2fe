package dev.liaison.gateway.legacy.delivery;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Signatures made by {@link DkimSigner}, checked by two independent verifiers: Apache jDKIM (in
 * this JVM) and dkimpy (Debian's python3-dkim, in a child process). Each hostile change must make
 * the verifiers fail, so a verifier that accepted anything would be caught.
 */
class DkimSignerTest {

    private static final String DOMAIN = "alex.example";
    private static DkimKey key;
    private static DkimSigner signer;

    @BeforeAll
    static void generateKey() {
        key = DkimKey.generate("liaison");
        signer = new DkimSigner(DOMAIN, key, Clock.systemUTC());
    }

    @Test
    void signedMessageVerifiesWithBothVerifiersAndKeepsTheOriginalOctets() throws Exception {
        byte[] message = TestMessages.plain("blair.q7@alex.example", "bob@legacy.example", "Lunch?");
        byte[] signed = signer.sign(message);

        assertTrue(DkimVerifiers.jdkim(signed, key, DOMAIN), "jDKIM verifies");
        assertTrue(DkimVerifiers.dkimpy(signed, key), "dkimpy verifies");
        assertArrayEquals(message, java.util.Arrays.copyOfRange(signed, signed.length - message.length, signed.length));
        String head = new String(signed, 0, signed.length - message.length, StandardCharsets.US_ASCII);
        assertTrue(head.startsWith("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=alex.example; s=liaison;"),
                head);
        assertTrue(head.contains("h=from:to:subject:date:message-id:mime-version:content-type:"
                + "content-transfer-encoding:from:communicator-invite;"), head);
    }

    @Test
    void foldedHeadersTrailingSpaceAndTrailingBlankLinesStillVerify() throws Exception {
        byte[] message = ("From: \"Blair\"\r\n <blair.q7@alex.example>\r\n"
                + "To: bob@legacy.example,\r\n\tcarol@legacy.example   \r\n"
                + "Subject:   spaced   out\t\r\n"
                + "Date: Thu, 26 Nov 2026 00:00:00 +0000\r\n"
                + "Message-ID: <fold@alex.example>\r\n"
                + "\r\n"
                + "line with trailing space   \r\n"
                + "  indented\t\ttabs\r\n"
                + "\r\n\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] signed = signer.sign(message);

        assertTrue(DkimVerifiers.jdkim(signed, key, DOMAIN));
        assertTrue(DkimVerifiers.dkimpy(signed, key));
    }

    @Test
    void rawUtf8HeadersVerifyWithDkimpy() throws Exception {
        byte[] message = ("From: Blaïr <blair.q7@alex.example>\r\n"
                + "To: bob@legacy.example\r\n"
                + "Subject: Grüße aus Köln\r\n"
                + "Message-ID: <utf8@alex.example>\r\n"
                + "\r\n"
                + "Schöne Grüße\r\n").getBytes(StandardCharsets.UTF_8);

        assertTrue(DkimVerifiers.dkimpy(signer.sign(message), key));
    }

    @Test
    void aChangedBodyOrSubjectFailsVerification() throws Exception {
        byte[] signed = signer.sign(TestMessages.plain("blair.q7@alex.example", "bob@legacy.example", "Lunch?"));
        String text = new String(signed, StandardCharsets.US_ASCII);

        byte[] body = text.replace("See you at noon.", "See you at one.").getBytes(StandardCharsets.US_ASCII);
        byte[] subject = text.replace("Subject: Lunch?", "Subject: Dinner?").getBytes(StandardCharsets.US_ASCII);

        assertFalse(DkimVerifiers.jdkim(body, key, DOMAIN));
        assertFalse(DkimVerifiers.dkimpy(body, key));
        assertFalse(DkimVerifiers.jdkim(subject, key, DOMAIN));
        assertFalse(DkimVerifiers.dkimpy(subject, key));
    }

    @Test
    void aSecondFromAddedOnTheWayFailsVerification() throws Exception {
        byte[] signed = signer.sign(TestMessages.plain("blair.q7@alex.example", "bob@legacy.example", "Lunch?"));
        String text = new String(signed, StandardCharsets.US_ASCII);
        int body = text.indexOf("\r\n\r\n");
        byte[] forged = (text.substring(0, body) + "\r\nFrom: ceo@alex.example" + text.substring(body))
                .getBytes(StandardCharsets.US_ASCII);

        assertFalse(DkimVerifiers.dkimpy(forged, key));
    }

    @Test
    void aMessageWithoutFromIsRefused() {
        byte[] message = "To: bob@legacy.example\r\nSubject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> signer.sign(message));
        assertTrue(e.getMessage().contains("no From field"), e.getMessage());
        // the text becomes the submission's 554 reply (LegacyOutbound), and SMTP replies are ASCII
        assertTrue(e.getMessage().chars().allMatch(ch -> ch > 0 && ch < 128), e.getMessage());
    }

    @Test
    void theRecordNamesTheSelectorAndCarriesThePublicKey() {
        assertEquals("liaison._domainkey.alex.example", key.recordName(DOMAIN));
        assertTrue(key.record().startsWith("v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A"), key.record());
        assertFalse(key.toString().contains(key.record().substring(20, 60)), "toString shows no key material");
    }
}
