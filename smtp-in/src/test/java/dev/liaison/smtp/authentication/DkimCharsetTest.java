package dev.liaison.smtp.authentication;

import dev.liaison.smtp.dns.DnsLookup;
import dev.liaison.smtp.dns.DnsLookupException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * jDKIM hashes header text in the JVM's default charset. Where that charset cannot give back a
 * field's 8-bit octets (US-ASCII, the default under a POSIX locale on Java 17), a signature is not
 * verified at all: hashed lossily, a subject signed as {@code Gr????e} would verify with any other
 * 8-bit text of its length in its place (the reviewer's forgery).
 */
class DkimCharsetTest {

    private static final String SIGNATURE = "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=strict.example;"
            + " s=sel; h=from:subject; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=AAAA";

    @Test
    void aSignatureOverEightBitHeaderTextIsAPermErrorWhereTheCharsetLosesOctets() {
        AtomicInteger asked = new AtomicInteger();
        List<DkimCheck> checks = verify(StandardCharsets.US_ASCII, "Grüße", asked);

        assertEquals(List.of(DkimResult.PERMERROR), checks.stream().map(DkimCheck::result).toList());
        assertEquals(0, asked.get(), "no key looked up: nothing was verified");
    }

    @Test
    void whereTheCharsetKeepsTheOctetsTheSignatureIsVerified() {
        for (Charset exact : List.of(StandardCharsets.UTF_8, StandardCharsets.ISO_8859_1)) {
            AtomicInteger asked = new AtomicInteger();
            verify(exact, "Grüße", asked);
            assertTrue(asked.get() > 0, exact + ": the signer's key is looked up, the signature verified");
        }
    }

    private static List<DkimCheck> verify(Charset platform, String subject, AtomicInteger asked) {
        String octets = new String(("Subject: " + subject).getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        DnsLookup dns = (name, type) -> {
            asked.incrementAndGet();
            throw new DnsLookupException("no such record in this test");
        };
        return new DkimVerification(5, platform).verify(List.of(SIGNATURE, "From: <carol@strict.example>", octets),
                new ByteArrayInputStream("Hello\r\n".getBytes(StandardCharsets.US_ASCII)), dns);
    }
}
