package dev.liaison.smtp.authentication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Parsing published DMARC records (RFC 7489 §6.3, §6.4). */
class DmarcPolicyTest {

    @Test
    void onlyRecordsStartingWithVersionTagAreDmarc() {
        assertTrue(DmarcPolicy.isDmarc("v=DMARC1; p=none"));
        assertTrue(DmarcPolicy.isDmarc(" v = DMARC1 ;p=reject"));
        assertFalse(DmarcPolicy.isDmarc("p=reject; v=DMARC1"));
        assertFalse(DmarcPolicy.isDmarc("v=dmarc1; p=reject"), "the version value is case-sensitive");
        assertFalse(DmarcPolicy.isDmarc("v=spf1 -all"));
    }

    @Test
    void allTagsAreRead() {
        DmarcPolicy policy = DmarcPolicy.parse("v=DMARC1; p=Quarantine; sp=reject; adkim=s; aspf=s; pct=20").orElseThrow();
        assertEquals(new DmarcPolicy(DmarcAction.QUARANTINE, DmarcAction.REJECT, true, true, 20), policy);
    }

    @Test
    void defaultsAreRelaxedFullPercentAndSubdomainsLikeTheDomain() {
        assertEquals(Optional.of(new DmarcPolicy(DmarcAction.REJECT, DmarcAction.REJECT, false, false, 100)),
                DmarcPolicy.parse("v=DMARC1; p=reject; rua=mailto:d@x.example"));
    }

    @Test
    void invalidOptionalTagsFallBackToDefaults() {
        assertEquals(Optional.of(new DmarcPolicy(DmarcAction.NONE, DmarcAction.NONE, false, false, 100)),
                DmarcPolicy.parse("v=DMARC1; p=none; sp=maybe; adkim=x; pct=150x"));
        assertEquals(100, DmarcPolicy.parse("v=DMARC1; p=none; pct=999").orElseThrow().percent());
    }

    @Test
    void missingOrInvalidPolicyMakesTheRecordUnusable() {
        assertEquals(Optional.empty(), DmarcPolicy.parse("v=DMARC1; rua=mailto:d@x.example"));
        assertEquals(Optional.empty(), DmarcPolicy.parse("v=DMARC1; p=block"));
    }

    @Test
    void subdomainPolicyAppliesOnlyBelowTheRecordsDomain() {
        DmarcPolicy policy = DmarcPolicy.parse("v=DMARC1; p=reject; sp=none").orElseThrow();
        assertEquals(DmarcAction.REJECT, policy.actionFor("x.example", "x.example"));
        assertEquals(DmarcAction.NONE, policy.actionFor("news.x.example", "x.example"));
    }
}
