package dev.liaison.smtp.auth;

import org.junit.jupiter.api.Test;

import java.net.Inet6Address;
import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The client address in the failed-AUTH line is one fail2ban's {@code <HOST>} matches (docs/operations.md). */
class FailureLineAddressTest {

    @Test
    void aLinkLocalAddressIsWrittenWithoutItsScope() throws Exception {
        InetAddress scoped = Inet6Address.getByAddress(null, InetAddress.getByName("fe80::1").getAddress(), 2);
        assertEquals("fe80:0:0:0:0:0:0:1%2", scoped.getHostAddress(), "what Java writes");
        assertEquals("fe80:0:0:0:0:0:0:1", SubmissionAuthHook.logged(scoped));
        assertEquals("2001:db8:0:0:0:0:0:7", SubmissionAuthHook.logged(InetAddress.getByName("2001:db8::7")));
        assertEquals("203.0.113.7", SubmissionAuthHook.logged(InetAddress.getByName("203.0.113.7")));
    }
}
