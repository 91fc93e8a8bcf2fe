package dev.liaison.gateway.transport.receive;

/**
 * Supplies the receiving service's current public description. Called for every request of
 * {@code /.well-known/communicator.json}, on a network thread: implementations return a value
 * kept in memory (refreshed when keys rotate) and never block.
 */
@FunctionalInterface
public interface ServiceDescriptionSource {

    ServiceDescription current();
}
