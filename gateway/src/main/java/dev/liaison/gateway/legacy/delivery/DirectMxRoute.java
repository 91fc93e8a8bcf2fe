package dev.liaison.gateway.legacy.delivery;

import dev.liaison.gateway.transport.send.DeliveryOutcome;

import java.time.Duration;
import java.util.List;

/**
 * Delivery straight to the recipient domain's mail exchangers ({@code legacy.direct-mx=true}),
 * in the order {@link MxLookup} gives (RFC 5321 §5.1): a server that cannot be reached or answers
 * 4yz sends us to the next one; a 5yz answer to the transaction is the domain's final word.
 */
final class DirectMxRoute implements MailRoute {

    private final SmtpClient client;
    private final MxLookup mx;

    DirectMxRoute(SmtpClient client, MxLookup mx) {
        this.client = client;
        this.mx = mx;
    }

    @Override
    public DeliveryOutcome carry(OutboundMail mail, byte[] message) {
        String domain = mail.recipient().domain();
        List<MailTarget> targets;
        try {
            targets = mx.targets(domain);
        } catch (MxLookupException e) {
            return e.permanent() ? new DeliveryOutcome.Rejected(e.getMessage())
                    : new DeliveryOutcome.Retry(e.getMessage(), Duration.ZERO);
        }
        DeliveryOutcome last = new DeliveryOutcome.Retry("no mail exchanger of " + domain + " to try", Duration.ZERO);
        for (MailTarget target : targets.subList(0, Math.min(targets.size(), Limits.MAX_TARGETS))) {
            last = client.send(SmtpPeer.exchanger(target), mail, message);
            if (!(last instanceof DeliveryOutcome.Retry)) {
                return last;
            }
        }
        return last;
    }
}
