package dev.liaison.gateway.transport;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Addresses that are not on the public Internet: this machine, private networks (RFC 1918,
 * RFC 4193 unique local), link-local, the unspecified and multicast addresses. The relay does not
 * deliver to them unless told to, and the metrics answer only them.
 */
public final class PrivateAddresses {

    private PrivateAddresses() {
    }

    public static boolean isPrivate(InetAddress address) {
        return address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
                || address.isAnyLocalAddress() || address.isMulticastAddress() || uniqueLocal(address);
    }

    /** IPv6 unique local addresses (fc00::/7), which {@link InetAddress#isSiteLocalAddress} does not cover. */
    private static boolean uniqueLocal(InetAddress address) {
        return address instanceof Inet6Address && (address.getAddress()[0] & 0xfe) == 0xfc;
    }
}
