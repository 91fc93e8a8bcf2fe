package dev.liaison.gateway.transport.receive;

/**
 * A document served by {@code GET} and {@code HEAD} at one fixed path of the receiving service's
 * listener, beside the envelope endpoint: the operator's metrics and health checks, mail client
 * autoconfiguration. The listener routes, bounds and parses the request; the resource only answers.
 *
 * <p>Contract: called on one of the listener's blocking threads, never on the event loop, so it
 * may wait briefly (on the database, say), but those threads also store peers' envelopes: bound
 * every wait. Bad input is answered with a 4xx {@link ResourceReply}; an exception is the
 * resource's own fault and becomes {@code 500}. A reply never echoes input it did not validate.
 */
@FunctionalInterface
public interface HttpResource {

    ResourceReply get(ResourceRequest request);
}
