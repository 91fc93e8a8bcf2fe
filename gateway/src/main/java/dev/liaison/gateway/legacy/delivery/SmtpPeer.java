package dev.liaison.gateway.legacy.delivery;

import javax.net.ssl.SSLSocketFactory;
import java.util.Objects;

/**
 * One SMTP server to hand a message to, and how: the smarthost with verified TLS (and perhaps
 * AUTH), or a recipient's mail exchanger with STARTTLS when offered. The password is never printed.
 *
 * @param tls        the factory for verified TLS ({@link Security#STARTTLS_REQUIRED}, {@link Security#TLS});
 *                   {@code null} for the other modes, which verify nothing
 * @param user       SMTP AUTH login; empty for none
 * @param password   the login's password; empty for none
 */
record SmtpPeer(String host, int port, Security security, SSLSocketFactory tls, String user, String password) {

    /** How the connection is protected. */
    enum Security {
        /** STARTTLS (RFC 3207) or no delivery; the certificate must match the host. */
        STARTTLS_REQUIRED,
        /** STARTTLS when the server offers it, with any certificate; plain otherwise (what MX-to-MX mail does). */
        STARTTLS_OPPORTUNISTIC,
        /** TLS from the first byte (RFC 8314); the certificate must match the host. */
        TLS,
        /** Plain text; only towards a smarthost on a trusted network, never with AUTH. */
        NONE
    }

    SmtpPeer {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(security, "security");
        if ((security == Security.STARTTLS_REQUIRED || security == Security.TLS) && tls == null) {
            throw new IllegalArgumentException(security + " needs a TLS socket factory that verifies the server");
        }
        if (!user.isEmpty() && (security == Security.NONE || security == Security.STARTTLS_OPPORTUNISTIC)) {
            throw new IllegalArgumentException("AUTH needs verified TLS; " + security + " would expose the password");
        }
    }

    /** A recipient's mail exchanger: opportunistic STARTTLS, no AUTH. */
    static SmtpPeer exchanger(MailTarget target) {
        return new SmtpPeer(target.address().getHostAddress(), target.port(), Security.STARTTLS_OPPORTUNISTIC, null,
                "", "");
    }

    boolean authenticates() {
        return !user.isEmpty();
    }

    @Override
    public String toString() {
        return "SmtpPeer[" + host + ":" + port + ", " + security + (user.isEmpty() ? "" : ", user " + user
                + ", password <masked>") + "]";
    }
}
