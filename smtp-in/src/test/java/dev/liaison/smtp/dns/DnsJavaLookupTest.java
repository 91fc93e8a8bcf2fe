package dev.liaison.smtp.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

/**
 * The production {@link DnsLookup} against a DNS server on a loopback UDP port: what each record
 * type comes back as, and which answers are definite (empty) and which temporary (exception).
 */
class DnsJavaLookupTest {

    private static LoopbackDnsServer server;
    private static DnsJavaLookup dns;

    @BeforeAll
    static void start() throws Exception {
        server = new LoopbackDnsServer()
                .add("legacy.example.", Type.TXT, "\"v=spf1 ip4:192.0.2.0/24\" \" -all\"")
                .add("legacy.example.", Type.TXT, "\"unrelated \\\"quoted\\\" text\"")
                .add("legacy.example.", Type.MX, "10 mx1.legacy.example.")
                .add("mx1.legacy.example.", Type.A, "192.0.2.25")
                .add("mx1.legacy.example.", Type.AAAA, "2001:db8::25")
                .add("25.2.0.192.in-addr.arpa.", Type.PTR, "mx1.legacy.example.")
                .breakName("broken.example.");
        dns = DnsJavaLookup.servers(List.of(server.address()), Duration.ofSeconds(2));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void txtStringsOfOneRecordAreJoinedAndOctetsKept() throws Exception {
        List<String> texts = dns.lookup("legacy.example", DnsRecordType.TXT);
        assertEquals(2, texts.size(), texts.toString());
        assertTrue(texts.contains("v=spf1 ip4:192.0.2.0/24 -all"), texts.toString());
        assertTrue(texts.contains("unrelated \"quoted\" text"), texts.toString());
    }

    @Test
    void hostNamesComeWithoutTheRootDot() throws Exception {
        assertEquals(List.of("mx1.legacy.example"), dns.lookup("legacy.example", DnsRecordType.MX));
        assertEquals(List.of("mx1.legacy.example"), dns.lookup("25.2.0.192.in-addr.arpa", DnsRecordType.PTR));
    }

    @Test
    void addressesComeAsLiterals() throws Exception {
        assertEquals(List.of("192.0.2.25"), dns.lookup("mx1.legacy.example", DnsRecordType.A));
        assertEquals(List.of("2001:db8:0:0:0:0:0:25"), dns.lookup("mx1.legacy.example", DnsRecordType.AAAA));
    }

    @Test
    void unknownNameAndMissingTypeAreDefiniteEmptyAnswers() throws Exception {
        assertEquals(List.of(), dns.lookup("nothing.legacy.example", DnsRecordType.TXT));
        assertEquals(List.of(), dns.lookup("mx1.legacy.example", DnsRecordType.TXT));
    }

    @Test
    void serverFailureIsATemporaryFailure() {
        assertThrows(DnsLookupException.class, () -> dns.lookup("broken.example", DnsRecordType.TXT));
    }

    @Test
    void aNameThatIsNoDnsNameHasNoRecords() throws Exception {
        assertEquals(List.of(), dns.lookup("bad..name", DnsRecordType.TXT));
    }
}
