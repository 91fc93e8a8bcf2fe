package dev.liaison.smtp.authentication;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link SenderAuthentication#authorAuthenticated()}: what the gateway requires before mail may
 * change a relationship on its author's behalf. The SPF, DKIM and DMARC verdicts themselves are
 * tested against DNS in {@code SenderAuthenticationTest} and {@link DmarcEvaluatorTest}.
 */
class AuthorAuthenticatedTest {

    private static final SpfCheck SPF_NONE = new SpfCheck(SpfResult.NONE, SpfIdentity.MAILFROM, "a@forged.example",
            "forged.example");

    @Test
    void dmarcPassAuthenticatesAndDmarcFailDoesNotWhateverElsePassed() {
        assertTrue(with(SPF_NONE, List.of(), DmarcResult.PASS).authorAuthenticated());
        SpfCheck relaxedPass = new SpfCheck(SpfResult.PASS, SpfIdentity.MAILFROM, "b@mail.example.org", "mail.example.org");
        assertFalse(with(relaxedPass, List.of(), DmarcResult.FAIL).authorAuthenticated(),
                "a domain asking for strict alignment is not overruled");
    }

    @Test
    void withoutDmarcAnAlignedSpfOrDkimPassAuthenticates() {
        for (DmarcResult noPolicy : List.of(DmarcResult.NONE, DmarcResult.PERMERROR, DmarcResult.TEMPERROR)) {
            SpfCheck aligned = new SpfCheck(SpfResult.PASS, SpfIdentity.MAILFROM, "b@bounce.example.org",
                    "bounce.example.org");
            assertTrue(with(aligned, List.of(), noPolicy).authorAuthenticated(), "SPF pass of a subdomain");
            DkimCheck signed = new DkimCheck(DkimResult.PASS, "example.org", "s1", "abc");
            assertTrue(with(SPF_NONE, List.of(signed), noPolicy).authorAuthenticated(), "aligned DKIM pass");
        }
    }

    @Test
    void withoutDmarcNothingAlignedOrNothingPassingIsNotAuthenticated() {
        SpfCheck elsewhere = new SpfCheck(SpfResult.PASS, SpfIdentity.MAILFROM, "b@other.example", "other.example");
        DkimCheck foreignSignature = new DkimCheck(DkimResult.PASS, "other.example", "s1", "abc");
        DkimCheck broken = new DkimCheck(DkimResult.FAIL, "example.org", "s1", "abc");
        SpfCheck softfail = new SpfCheck(SpfResult.SOFTFAIL, SpfIdentity.MAILFROM, "b@example.org", "example.org");
        assertFalse(with(elsewhere, List.of(foreignSignature), DmarcResult.NONE).authorAuthenticated());
        assertFalse(with(softfail, List.of(broken), DmarcResult.NONE).authorAuthenticated());
        assertFalse(with(SPF_NONE, List.of(), DmarcResult.NONE).authorAuthenticated());
    }

    /**
     * {@link SenderAuthentication#authorVouchesFor}: a field that changes something on the author's
     * behalf counts only under a passing aligned signature whose h= covers it (a signed message
     * re-sent with the field added on top passes DKIM and DMARC all the same), or under aligned
     * SPF; never under a DMARC temperror, which a sender can cause.
     */
    @Test
    void anInvitationFieldCountsOnlyWhereTheAuthorsSignatureCoversItOrSpfVouchesForTheWholeMessage() {
        DkimCheck coversIt = new DkimCheck(DkimResult.PASS, "example.org", "s1", "abc",
                Set.of("from", "subject", "communicator-invite"));
        DkimCheck leavesItOut = new DkimCheck(DkimResult.PASS, "example.org", "s1", "abc", Set.of("from", "subject"));
        for (DmarcResult result : List.of(DmarcResult.PASS, DmarcResult.NONE)) {
            assertTrue(with(SPF_NONE, List.of(coversIt), result).authorVouchesFor("Communicator-Invite"), result.toString());
            assertFalse(with(SPF_NONE, List.of(leavesItOut), result).authorVouchesFor("Communicator-Invite"),
                    "a signature that leaves the field out does not vouch for it (" + result + ")");
            assertTrue(with(SPF_NONE, List.of(leavesItOut), result).authorAuthenticated(), "though the author is authenticated");
        }
        SpfCheck aligned = new SpfCheck(SpfResult.PASS, SpfIdentity.MAILFROM, "b@example.org", "example.org");
        assertTrue(with(aligned, List.of(leavesItOut), DmarcResult.PASS).authorVouchesFor("Communicator-Invite"));
        assertFalse(with(aligned, List.of(coversIt), DmarcResult.TEMPERROR).authorVouchesFor("Communicator-Invite"),
                "a DMARC look-up that failed vouches for nothing");
        assertFalse(with(aligned, List.of(coversIt), DmarcResult.FAIL).authorVouchesFor("Communicator-Invite"));
    }

    /** A message whose {@code From:} is at example.org. */
    private static SenderAuthentication with(SpfCheck spf, List<DkimCheck> dkim, DmarcResult dmarc) {
        return new SenderAuthentication(spf, dkim, new DmarcCheck(dmarc, "example.org", DmarcAction.NONE,
                DmarcDisposition.DELIVER));
    }
}
