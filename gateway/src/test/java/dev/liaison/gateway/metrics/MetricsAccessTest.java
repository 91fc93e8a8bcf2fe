package dev.liaison.gateway.metrics;

import dev.liaison.gateway.transport.receive.HttpResource;
import dev.liaison.gateway.transport.receive.ResourceReply;
import dev.liaison.gateway.transport.receive.ResourceRequest;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * /metrics tells whom a gateway's users write to (deliveries per destination host): by default only
 * this machine and private networks read it. Reading it (gauges, scrape) is covered end to end by
 * OperationsEndToEndTest over a real listener.
 */
class MetricsAccessTest {

    @Test
    void privateAddressesAreTheMachineAndPrivateNetworksOnly() throws Exception {
        for (String address : new String[] {"127.0.0.1", "::1", "10.1.2.3", "172.16.5.5", "192.168.0.9", "169.254.1.1",
                "fd12:3456::1", "fe80::1"}) {
            assertTrue(request(address).fromPrivateNetwork(), address);
        }
        for (String address : new String[] {"192.0.2.10", "8.8.8.8", "2001:db8::1", "172.32.0.1"}) {
            assertFalse(request(address).fromPrivateNetwork(), address);
        }
    }

    @Test
    void aPublicAddressIsRefusedUnlessTheAdministratorOpensThem() throws Exception {
        try (GatewayMetrics metrics = new GatewayMetrics()) {
            HttpResource closed = metrics.resources(null, null, null, false).get(GatewayMetrics.PATH);
            ResourceReply refused = closed.get(request("192.0.2.10"));
            assertEquals(403, refused.status());
            assertFalse(new String(refused.sharedBody(), java.nio.charset.StandardCharsets.UTF_8).contains("liaison_"),
                    "no metric in the refusal");
        }
    }

    private static ResourceRequest request(String address) throws Exception {
        return new ResourceRequest(GatewayMetrics.PATH, Map.of(), InetAddress.getByName(address));
    }
}
