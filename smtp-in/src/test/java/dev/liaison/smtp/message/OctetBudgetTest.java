package dev.liaison.smtp.message;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OctetBudgetTest {

    @Test
    void aPeerHoldsAtMostAQuarterWhileOthersTakeTheRest() throws Exception {
        OctetBudget budget = new OctetBudget(4000, 500);
        assertTrue(budget.take(ip("192.0.2.1"), 600));
        assertTrue(budget.take(ip("192.0.2.1"), 400));
        assertFalse(budget.take(ip("192.0.2.1"), 1), "its share is spent");
        for (String other : new String[] {"192.0.2.2", "192.0.2.3", "192.0.2.4"}) {
            assertTrue(budget.take(ip(other), 1000), other);
        }
        assertFalse(budget.take(ip("192.0.2.5"), 1), "the whole budget is spent");
        budget.give(ip("192.0.2.1"), 600);
        assertFalse(budget.take(ip("192.0.2.1"), 601), "what it still holds counts");
        assertTrue(budget.take(ip("192.0.2.1"), 600));
    }

    @Test
    void anIpv6PeerIsItsSlash64() throws Exception {
        OctetBudget budget = new OctetBudget(4000, 500);
        assertTrue(budget.take(ip("2001:db8:1:2::1"), 1000));
        assertFalse(budget.take(ip("2001:db8:1:2:ffff::9"), 1), "the same /64");
        assertTrue(budget.take(ip("2001:db8:1:3::1"), 1000), "another /64");
    }

    @Test
    void theShareIsNeverLessThanOneEnvelope() throws Exception {
        OctetBudget budget = new OctetBudget(1000, 900);
        assertTrue(budget.take(ip("192.0.2.1"), 900));
        assertFalse(budget.take(ip("192.0.2.2"), 101), "the budget, not the share, refuses this");
        assertTrue(budget.take(ip("192.0.2.2"), 100));
    }

    @Test
    void aNamedSenderHasItsOwnShareWhateverItsAddress() {
        OctetBudget budget = new OctetBudget(4000, 500);
        assertTrue(budget.take("user:alex", 1000));
        assertFalse(budget.take("user:alex", 1));
        assertTrue(budget.take("user:blair", 1000), "another login behind the same NAT address");
        budget.give("user:alex", 1000);
        assertTrue(budget.take("user:alex", 1000));
    }

    @Test
    void aBudgetMustHoldOneItem() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new OctetBudget(99, 100));
    }

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }
}
