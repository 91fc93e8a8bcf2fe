package dev.liaison.gateway.legacy.delivery;

import dev.liaison.gateway.config.LegacySmarthost;
import dev.liaison.gateway.transport.send.DeliveryOutcome;

import javax.net.ssl.SSLContext;

/**
 * Every message goes to the configured smarthost ({@code legacy.relay.*}), which takes over
 * delivery to the Internet: its 5yz refusal is final for us too, its 4yz or silence is retried.
 */
final class SmarthostRoute implements MailRoute {

    private final SmtpClient client;
    private final SmtpPeer peer;

    /** @param trust decides which smarthost certificates are accepted (the JDK's CAs plus relay.trusted-certificates) */
    SmarthostRoute(SmtpClient client, LegacySmarthost smarthost, SSLContext trust) {
        this.client = client;
        SmtpPeer.Security security = switch (smarthost.security()) {
            case STARTTLS -> SmtpPeer.Security.STARTTLS_REQUIRED;
            case TLS -> SmtpPeer.Security.TLS;
            case NONE -> SmtpPeer.Security.NONE;
        };
        this.peer = new SmtpPeer(smarthost.host(), smarthost.port(), security,
                security == SmtpPeer.Security.NONE ? null : trust.getSocketFactory(), smarthost.user(),
                smarthost.password());
    }

    @Override
    public DeliveryOutcome carry(OutboundMail mail, byte[] message) {
        return client.send(peer, mail, message);
    }
}
