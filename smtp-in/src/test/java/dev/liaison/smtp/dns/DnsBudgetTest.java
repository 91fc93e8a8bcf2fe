package dev.liaison.smtp.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.liaison.smtp.submission.Limits;
import dev.liaison.smtp.testing.TestDns;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One message's DNS questions are bounded in number (and time). */
class DnsBudgetTest {

    @Test
    void questionsBeyondTheLimitAreRefusedWithoutReachingDns() throws Exception {
        TestDns dns = new TestDns().txt("a.example", "x");
        DnsBudget budget = new DnsBudget(dns, new Limits.SenderChecks(5, 2, Duration.ofSeconds(30)));
        assertEquals(List.of("x"), budget.lookup("a.example", DnsRecordType.TXT));
        assertEquals(List.of(), budget.lookup("b.example", DnsRecordType.TXT));
        assertThrows(DnsLookupException.class, () -> budget.lookup("a.example", DnsRecordType.TXT));
        assertEquals(2, dns.queries());
        assertEquals(3, budget.queries());
    }

    @Test
    void questionsAfterTheTimeLimitAreRefused() throws Exception {
        TestDns dns = new TestDns().txt("a.example", "x");
        DnsBudget budget = new DnsBudget(dns, new Limits.SenderChecks(5, 100, Duration.ofNanos(1)));
        Thread.sleep(2);
        assertThrows(DnsLookupException.class, () -> budget.lookup("a.example", DnsRecordType.TXT));
        assertEquals(0, dns.queries());
    }
}
