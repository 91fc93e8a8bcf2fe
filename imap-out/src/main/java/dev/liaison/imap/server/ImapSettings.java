package dev.liaison.imap.server;

import java.util.Objects;

/**
 * Where and as whom the IMAP server listens.
 *
 * @param bindAddress an IPv4 address or host name to listen on, e.g. {@code 0.0.0.0}
 * @param imapPort    {@code imap.port}: IMAP with STARTTLS, LOGIN disabled until TLS; 0 = any free port
 * @param imapsPort   {@code imaps.port}: IMAP over implicit TLS; 0 = any free port
 * @param hostName    the name the greeting announces
 */
public record ImapSettings(String bindAddress, int imapPort, int imapsPort, String hostName) {

    public ImapSettings {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(hostName, "hostName");
        checkPort("imap.port", imapPort);
        checkPort("imaps.port", imapsPort);
        if (hostName.isBlank()) {
            throw new IllegalArgumentException("IMAP host name must not be blank");
        }
    }

    private static void checkPort(String name, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(name + " " + port + " is outside 0..65535");
        }
    }
}
