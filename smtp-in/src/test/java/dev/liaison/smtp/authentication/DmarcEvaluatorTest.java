package dev.liaison.smtp.authentication;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.liaison.smtp.testing.TestDns;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The DMARC decisions that depend on DNS trouble and multiple records, with the DNS answered from
 * a table (the end-to-end cases run over sockets in {@code SenderAuthenticationTest}).
 */
class DmarcEvaluatorTest {

    private static final SpfCheck SPF_FAIL = new SpfCheck(SpfResult.FAIL, SpfIdentity.MAILFROM, "x@other.example",
            "other.example");
    private final DmarcEvaluator dmarc = new DmarcEvaluator();

    @Test
    void rejectIsDeferredWhenTheAlignedSignaturesKeyCouldNotBeFetched() {
        TestDns dns = new TestDns().txt("_dmarc.author.example", "v=DMARC1; p=reject");
        DkimCheck unknown = new DkimCheck(DkimResult.TEMPERROR, "author.example", "sel", "");
        DmarcCheck check = dmarc.evaluate("author.example", SPF_FAIL, List.of(unknown), dns);
        assertEquals(DmarcResult.FAIL, check.result());
        assertEquals(DmarcDisposition.DEFER, check.disposition());
    }

    @Test
    void rejectStaysRejectWhenOnlyAnUnalignedCheckHadTrouble() {
        TestDns dns = new TestDns().txt("_dmarc.author.example", "v=DMARC1; p=reject");
        DkimCheck unrelated = new DkimCheck(DkimResult.TEMPERROR, "other.example", "sel", "");
        assertEquals(DmarcDisposition.REJECT,
                dmarc.evaluate("author.example", SPF_FAIL, List.of(unrelated), dns).disposition());
    }

    @Test
    void unfetchablePolicyDefersOnlyWhatNothingAligned() {
        TestDns dns = new TestDns().failUnder("_dmarc.author.example");
        DmarcCheck unaligned = dmarc.evaluate("author.example", SPF_FAIL, List.of(), dns);
        assertEquals(DmarcResult.TEMPERROR, unaligned.result());
        assertEquals(DmarcDisposition.DEFER, unaligned.disposition());
        DkimCheck pass = new DkimCheck(DkimResult.PASS, "author.example", "sel", "");
        assertEquals(DmarcDisposition.DELIVER, dmarc.evaluate("author.example", SPF_FAIL, List.of(pass), dns).disposition());
    }

    @Test
    void twoPublishedRecordsAreAPermanentErrorAndChangeNothing() {
        TestDns dns = new TestDns().txt("_dmarc.author.example", "v=DMARC1; p=reject", "v=DMARC1; p=none");
        DmarcCheck check = dmarc.evaluate("author.example", SPF_FAIL, List.of(), dns);
        assertEquals(DmarcResult.PERMERROR, check.result());
        assertEquals(DmarcDisposition.DELIVER, check.disposition());
    }

    @Test
    void unrelatedTextRecordsBesideThePolicyAreIgnored() {
        TestDns dns = new TestDns().txt("_dmarc.author.example", "google-site-verification=abc", "v=DMARC1; p=reject");
        assertEquals(DmarcDisposition.REJECT, dmarc.evaluate("author.example", SPF_FAIL, List.of(), dns).disposition());
    }

    @Test
    void theOrganizationalDomainIsAskedOnlyWhenTheAuthorDomainHasNoRecord() {
        TestDns dns = new TestDns().txt("_dmarc.author.example", "v=DMARC1; p=none; sp=reject");
        assertEquals(DmarcDisposition.REJECT,
                dmarc.evaluate("mail.author.example", SPF_FAIL, List.of(), dns).disposition());
        assertEquals(List.of("TXT _dmarc.mail.author.example", "TXT _dmarc.author.example"), dns.asked());
    }
}
