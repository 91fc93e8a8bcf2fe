package dev.liaison.imap.server;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;

/**
 * Failed logins remembered per client address (and login), asked before LOGIN or AUTHENTICATE
 * checks a password. gateway plugs in the same state submission's AUTH uses, so a password guesser
 * gains nothing by reconnecting after James's three-failures close, by opening parallel
 * connections, or by switching between IMAP and SMTP. imap-out keeps none of its own: without
 * gateway ({@link #NONE}) nothing is throttled.
 *
 * <p>Called on I/O worker threads; must be thread-safe and must not block. {@code login} is what
 * the client typed ({@code ""} when it sent none that could be decoded); never log it.
 */
public interface LoginThrottle {

    /** Throttles nothing (imap-out on its own, tests). */
    LoginThrottle NONE = new LoginThrottle() {
        @Override
        public Optional<Duration> waitBefore(InetAddress client, String login) {
            return Optional.empty();
        }

        @Override
        public void failed(InetAddress client, String login) {
        }

        @Override
        public void succeeded(InetAddress client, String login) {
        }
    };

    /** How long {@code client} must still wait before an attempt for {@code login} is checked; empty: check it now. */
    Optional<Duration> waitBefore(InetAddress client, String login);

    /** The password was checked and refused (never called for a throttled or unchecked attempt). */
    void failed(InetAddress client, String login);

    /** The login succeeded: forgets the address's failures. */
    void succeeded(InetAddress client, String login);
}
