package dev.liaison.imap.server;

import org.apache.james.imap.api.process.ImapSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * One WARN line per refused LOGIN or AUTHENTICATE, with the client's address, for fail2ban and the
 * like (format in docs/operations.md, Logs); James wrote none. Written where James counts the
 * failure (an unknown login, a wrong password, a disabled user, an undecodable AUTHENTICATE PLAIN),
 * and for one refused unchecked because its address must wait ({@link ThrottledLogins}); not for a
 * LOGIN refused unchecked before STARTTLS. Never the login: a user who typed the
 * password into the login field would have it logged.
 */
final class FailedAuthentication {

    private static final Logger LOG = LoggerFactory.getLogger(FailedAuthentication.class);

    private FailedAuthentication() {
    }

    /**
     * {@code reason}: {@code credentials} when the login and password were checked and refused,
     * {@code throttled} when refused unchecked after earlier failures ({@link ThrottledLogins}).
     */
    static void log(ImapSession session, String reason) {
        String client = clientAddress(session).map(FailedAuthentication::client).orElse("-");
        LOG.warn("authentication failed service=imap client={} reason={}", client, reason);
    }

    /** The address the session's client connects from, if known. */
    static Optional<InetAddress> clientAddress(ImapSession session) {
        return SessionChannel.of(session)
                .map(channel -> channel.remoteAddress() instanceof InetSocketAddress address ? address.getAddress() : null);
    }

    /**
     * The address as fail2ban's {@code <HOST>} matches it: without the scope of a link-local IPv6
     * address ({@code fe80:0:0:0:0:0:0:1%eth0} is written {@code fe80:0:0:0:0:0:0:1}), which the
     * filter did not match. SubmissionAuthHook writes it the same way.
     */
    static String client(InetAddress address) {
        String text = address.getHostAddress();
        int scope = text.indexOf('%');
        return scope < 0 ? text : text.substring(0, scope);
    }
}
