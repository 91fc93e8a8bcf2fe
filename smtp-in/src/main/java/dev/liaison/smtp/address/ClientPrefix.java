package dev.liaison.smtp.address;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * What counts as one client wherever a limit is kept per client (connections, login failures,
 * buffered octets): an IPv4 address as it is, an IPv6 address by its /64, the smallest block one
 * subscriber or host is usually given whole, so that the 2^64 addresses of one host are one client.
 */
public final class ClientPrefix {

    private ClientPrefix() {
    }

    /** {@code address} itself for IPv4; for IPv6 the network address of its /64. */
    public static InetAddress of(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        byte[] prefix = Arrays.copyOf(address.getAddress(), 16);
        Arrays.fill(prefix, 8, 16, (byte) 0);
        try {
            return InetAddress.getByAddress(prefix);
        } catch (UnknownHostException impossible) {
            throw new AssertionError("16 octets are always an IPv6 address", impossible);
        }
    }
}
