package dev.liaison.smtp.inbound;

import dev.liaison.smtp.dns.DnsJavaLookup;
import dev.liaison.smtp.dns.DnsLookup;
import java.time.Clock;
import java.util.Objects;

/**
 * What gateway plugs into the inbound MX: the two questions smtp-in asks, the DNS that sender
 * authentication reads, the clock that dates {@code Received:}, and who hears what happened.
 */
public record InboundServices(
        InboundRecipientPolicy recipients,
        InboundHandler handler,
        DnsLookup dns,
        Clock clock,
        InboundEvents events) {

    public InboundServices {
        Objects.requireNonNull(recipients, "recipients");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(dns, "dns");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(events, "events");
    }

    /** Production wiring: the system's name servers through dnsjava, UTC clock, no events. */
    public InboundServices(InboundRecipientPolicy recipients, InboundHandler handler) {
        this(recipients, handler, DnsJavaLookup.system(DnsJavaLookup.DEFAULT_TIMEOUT), Clock.systemUTC(),
                InboundEvents.NONE);
    }

    /** These services, reporting to {@code value}. */
    public InboundServices withEvents(InboundEvents value) {
        return new InboundServices(recipients, handler, dns, clock, value);
    }
}
