package dev.liaison.gateway.legacy.delivery;

import dev.liaison.gateway.transport.send.DeliveryOutcome;

/**
 * How plain email leaves this gateway: through the smarthost, straight to the recipient's MX,
 * or (not configured) not at all. One call is one delivery attempt of one message.
 */
interface MailRoute {

    DeliveryOutcome carry(OutboundMail mail, byte[] message) throws InterruptedException;
}
