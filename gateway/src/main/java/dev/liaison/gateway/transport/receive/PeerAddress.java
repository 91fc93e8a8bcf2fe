package dev.liaison.gateway.transport.receive;

import java.net.InetAddress;
import java.util.Objects;

/**
 * The sending service that POSTed an envelope, as far as the receiver can tell: the IP address
 * of the TCP connection. Envelopes carry no sender identity, so this is what unresolvable
 * addresses are counted against.
 */
public record PeerAddress(InetAddress address) {

    public PeerAddress {
        Objects.requireNonNull(address, "address");
    }

    public static PeerAddress parse(String literal) {
        try {
            return new PeerAddress(InetAddress.getByName(literal));
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("stored peer '" + literal + "' is not an IP address", e);
        }
    }

    /** The textual IP address, as stored. */
    public String literal() {
        return address.getHostAddress();
    }

    @Override
    public String toString() {
        return literal();
    }
}
