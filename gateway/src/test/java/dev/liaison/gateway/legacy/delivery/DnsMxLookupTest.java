package dev.liaison.gateway.legacy.delivery;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.SimpleResolver;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link DnsMxLookup} querying a real (in-process, loopback) DNS server over UDP. */
class DnsMxLookupTest {

    private TestDnsServer dns;

    @BeforeEach
    void startDns() throws Exception {
        dns = new TestDnsServer();
    }

    @AfterEach
    void stopDns() throws Exception {
        dns.close();
    }

    @Test
    void exchangersAreTriedByPreferenceEachWithItsAddresses() throws Exception {
        dns.add(mx("legacy.test.", 20, "backup.legacy.test."));
        dns.add(mx("legacy.test.", 10, "mx1.legacy.test."));
        dns.add(a("mx1.legacy.test.", "192.0.2.10"));
        dns.add(aaaa("mx1.legacy.test.", "2001:db8::10"));
        dns.add(a("backup.legacy.test.", "192.0.2.20"));

        List<MailTarget> targets = lookup(false).targets("legacy.test");

        assertEquals(List.of("mx1.legacy.test [192.0.2.10]:2525", "mx1.legacy.test [2001:db8:0:0:0:0:0:10]:2525",
                "backup.legacy.test [192.0.2.20]:2525"), targets.stream().map(MailTarget::toString).toList());
    }

    @Test
    void aDomainWithoutMxIsItsOwnMailExchanger() throws Exception {
        dns.add(a("plain.test.", "198.51.100.7"));

        List<MailTarget> targets = lookup(false).targets("plain.test");

        assertEquals(1, targets.size());
        assertEquals("plain.test", targets.get(0).exchanger());
        assertEquals(InetAddress.getByName("198.51.100.7"), targets.get(0).address());
    }

    @Test
    void aDomainThatDoesNotExistFailsPermanently() {
        MxLookupException e = assertThrows(MxLookupException.class, () -> lookup(false).targets("nowhere.test"));
        assertTrue(e.permanent(), e.getMessage());
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void aNullMxFailsPermanently() throws Exception {
        dns.add(new MXRecord(Name.fromString("nomail.test."), DClass.IN, TestDnsServer.ttl(), 0, Name.root));
        dns.add(a("nomail.test.", "192.0.2.30"));

        MxLookupException e = assertThrows(MxLookupException.class, () -> lookup(false).targets("nomail.test"));

        assertTrue(e.permanent());
        assertTrue(e.getMessage().contains("RFC 7505"), e.getMessage());
    }

    @Test
    void aServerFailureIsTemporary() throws Exception {
        dns.fail(Name.fromString("flaky.test."));

        MxLookupException e = assertThrows(MxLookupException.class, () -> lookup(false).targets("flaky.test"));

        assertFalse(e.permanent(), e.getMessage());
    }

    @Test
    void privateExchangersAreRefusedUnlessAllowed() throws Exception {
        dns.add(mx("inside.test.", 10, "mx.inside.test."));
        dns.add(a("mx.inside.test.", "127.0.0.1"));

        MxLookupException e = assertThrows(MxLookupException.class, () -> lookup(false).targets("inside.test"));
        assertTrue(e.permanent());
        assertTrue(e.getMessage().contains("relay.private-destinations"), e.getMessage());

        assertEquals(InetAddress.getLoopbackAddress(), lookup(true).targets("inside.test").get(0).address());
    }

    @Test
    void anExchangerWithoutAddressesIsSkipped() throws Exception {
        dns.add(mx("half.test.", 10, "gone.half.test."));
        dns.add(mx("half.test.", 20, "mx2.half.test."));
        dns.add(a("mx2.half.test.", "192.0.2.40"));

        List<MailTarget> targets = lookup(false).targets("half.test");

        assertEquals(List.of("mx2.half.test"), targets.stream().map(MailTarget::exchanger).toList());
    }

    private DnsMxLookup lookup(boolean privateAddresses) {
        SimpleResolver resolver = new SimpleResolver(dns.address());
        resolver.setTimeout(Duration.ofSeconds(2));
        return new DnsMxLookup(resolver, 2525, privateAddresses);
    }

    private static MXRecord mx(String name, int preference, String target) throws Exception {
        return new MXRecord(Name.fromString(name), DClass.IN, TestDnsServer.ttl(), preference, Name.fromString(target));
    }

    private static ARecord a(String name, String address) throws Exception {
        return new ARecord(Name.fromString(name), DClass.IN, TestDnsServer.ttl(), InetAddress.getByName(address));
    }

    private static AAAARecord aaaa(String name, String address) throws Exception {
        return new AAAARecord(Name.fromString(name), DClass.IN, TestDnsServer.ttl(), InetAddress.getByName(address));
    }
}
