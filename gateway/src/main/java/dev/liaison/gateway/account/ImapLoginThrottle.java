package dev.liaison.gateway.account;

import dev.liaison.imap.server.LoginThrottle;
import dev.liaison.smtp.auth.AuthThrottle;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;

/**
 * IMAP's LOGIN and AUTHENTICATE asking submission's AUTH throttle: one state per client address
 * and login for both protocols, so an IMAP flood throttles the address's SMTP AUTH too and the
 * other way round (docs/smtp.md, "AUTH throttling"). The protocol modules do not know each other;
 * gateway, which starts both, hands them the same {@link AuthThrottle}.
 */
public final class ImapLoginThrottle implements LoginThrottle {

    private final AuthThrottle shared;

    public ImapLoginThrottle(AuthThrottle shared) {
        this.shared = shared;
    }

    @Override
    public Optional<Duration> waitBefore(InetAddress client, String login) {
        return shared.waitBefore(client, login);
    }

    @Override
    public void failed(InetAddress client, String login) {
        shared.recordFailure(client, login);
    }

    @Override
    public void succeeded(InetAddress client, String login) {
        shared.recordSuccess(client, login);
    }
}
