package dev.liaison.imap.server;

import java.time.Duration;
import java.util.Objects;

/**
 * Where and as whom the IMAP server listens.
 *
 * @param bindAddress an IPv4 address or host name to listen on, e.g. {@code 0.0.0.0}
 * @param imapPort    {@code imap.port}: IMAP with STARTTLS, LOGIN disabled until TLS; 0 = any free port
 * @param imapsPort   {@code imaps.port}: IMAP over implicit TLS; 0 = any free port
 * @param hostName    the name the greeting announces
 * @param loginTimeout how long a connection may take to log in ({@link Limits#LOGIN_TIMEOUT})
 */
public record ImapSettings(String bindAddress, int imapPort, int imapsPort, String hostName, Duration loginTimeout) {

    public ImapSettings(String bindAddress, int imapPort, int imapsPort, String hostName) {
        this(bindAddress, imapPort, imapsPort, hostName, Limits.LOGIN_TIMEOUT);
    }

    public ImapSettings {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(hostName, "hostName");
        checkPort("imap.port", imapPort);
        checkPort("imaps.port", imapsPort);
        if (hostName.isBlank()) {
            throw new IllegalArgumentException("IMAP host name must not be blank");
        }
        Objects.requireNonNull(loginTimeout, "loginTimeout");
        if (loginTimeout.isNegative() || loginTimeout.isZero()) {
            throw new IllegalArgumentException("IMAP login timeout must be positive, not " + loginTimeout);
        }
    }

    private static void checkPort(String name, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(name + " " + port + " is outside 0..65535");
        }
    }
}
