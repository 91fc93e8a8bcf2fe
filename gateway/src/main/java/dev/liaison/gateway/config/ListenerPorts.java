package dev.liaison.gateway.config;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;

/**
 * Checks, before {@code serve} starts its database or migrates anything, that every configured
 * listener port can be bound: a port another process holds (or one below 1024 without the right to
 * it) is a configuration error, said with the key to change, not a failure after the database has
 * started and the workers are running. A port taken between this check and the listener's own bind
 * is still refused by the listener.
 */
public final class ListenerPorts {

    private static final ConfigKey[] LISTENERS = {ConfigKey.SMTP_SUBMISSION_PORT, ConfigKey.SMTP_SUBMISSIONS_PORT,
            ConfigKey.SMTP_INBOUND_PORT, ConfigKey.IMAP_PORT, ConfigKey.IMAPS_PORT, ConfigKey.HTTP_PORT};

    private ListenerPorts() {
    }

    /** {@link ConfigurationException} naming the first port that cannot be bound; port 0 (any free one) always can. */
    public static void checkFree(Configuration configuration) {
        for (ConfigKey key : LISTENERS) {
            int port = configuration.port(key);
            if (port == 0) {
                continue;
            }
            // the listeners are NIO server channels too: SO_REUSEADDR as theirs, so a port with only
            // connections in TIME_WAIT counts as free here as it is for them
            InetSocketAddress address = new InetSocketAddress(configuration.bindAddress(), port);
            try (ServerSocketChannel probe = ServerSocketChannel.open()) {
                probe.bind(address);
            } catch (IOException e) {
                throw new ConfigurationException("cannot listen on " + configuration.bindAddress().getHostAddress() + ":"
                        + port + " for " + key.key() + ": " + e.getMessage() + " (another program holds it, or a port"
                        + " below 1024 needs the right to bind it; choose another " + key.key() + " or stop that program)",
                        e);
            }
        }
    }
}
