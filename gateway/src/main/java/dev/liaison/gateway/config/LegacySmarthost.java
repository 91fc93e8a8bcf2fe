package dev.liaison.gateway.config;

/**
 * The mail server that carries this gateway's plain (legacy) email to the Internet
 * ({@code legacy.relay.*}). The password is never printed.
 *
 * @param user     login for SMTP AUTH; empty: the smarthost is used without AUTH
 * @param password the login's password; empty exactly when {@code user} is
 */
public record LegacySmarthost(String host, int port, Security security, String user, String password) {

    /** How the connection to the smarthost is protected ({@code legacy.relay.tls}). */
    public enum Security {
        /** Plain connection upgraded with STARTTLS, which the smarthost must offer (RFC 3207). */
        STARTTLS(587),
        /** TLS from the first byte (RFC 8314). */
        TLS(465),
        /** No TLS; only for a smarthost on a trusted network, and never with AUTH. */
        NONE(25);

        private final int defaultPort;

        Security(int defaultPort) {
            this.defaultPort = defaultPort;
        }

        public int defaultPort() {
            return defaultPort;
        }
    }

    public LegacySmarthost {
        if (host == null || host.isEmpty() || port < 1 || port > 65535 || security == null) {
            throw new IllegalArgumentException("smarthost needs a host, a port from 1 to 65535 and a security mode");
        }
        if (user.isEmpty() != password.isEmpty()) {
            throw new IllegalArgumentException("smarthost user and password must be given together");
        }
        if (!user.isEmpty() && security == Security.NONE) {
            throw new IllegalArgumentException("smarthost AUTH without TLS would send the password in clear");
        }
    }

    public boolean authenticates() {
        return !user.isEmpty();
    }

    @Override
    public String toString() {
        return "LegacySmarthost[" + host + ":" + port + ", " + security + (user.isEmpty() ? ", no AUTH" : ", user "
                + user + ", password <masked>") + "]";
    }
}
