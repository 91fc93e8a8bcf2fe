package dev.liaison.gateway.legacy.delivery;

import java.net.InetAddress;
import java.util.Objects;

/**
 * One address to try an SMTP delivery at.
 *
 * @param exchanger the mail exchanger's host name, as DNS named it (for logs and failure reasons)
 * @param address   the address to connect to
 * @param port      25 for the Internet; tests point elsewhere
 */
public record MailTarget(String exchanger, InetAddress address, int port) {

    public MailTarget {
        Objects.requireNonNull(exchanger, "exchanger");
        Objects.requireNonNull(address, "address");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not 1..65535");
        }
    }

    @Override
    public String toString() {
        return exchanger + " [" + address.getHostAddress() + "]:" + port;
    }
}
