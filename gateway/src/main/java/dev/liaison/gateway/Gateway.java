package dev.liaison.gateway;

import dev.liaison.gateway.config.Configuration;
import dev.liaison.gateway.tls.TlsMaterial;
import dev.liaison.mapping.MappingSchema;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.PoolSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The composition root: opens the database, migrates every module's schema, loads the TLS
 * material and starts the listeners, in that order; {@link #close()} stops them in reverse.
 */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final Configuration configuration;
    private final Database database;
    private final TlsMaterial tls;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();

    private Gateway(Configuration configuration, Database database, TlsMaterial tls) {
        this.configuration = configuration;
        this.database = database;
        this.tls = tls;
    }

    /** Starts everything or, if any part fails, stops what had started and rethrows. */
    public static Gateway start(Configuration configuration) {
        Database database = Database.openOwned(configuration.database(),
                new PoolSettings("liaison", 20, Duration.ofSeconds(10)));
        Gateway gateway;
        try {
            database.migrate(MappingSchema.SCHEMA);
            gateway = new Gateway(configuration, database, TlsMaterial.load(configuration.tls(), configuration.domain()));
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
        try {
            gateway.startListeners();
        } catch (RuntimeException e) {
            gateway.close();
            throw e;
        }
        LOG.info("Liaison serving {} (data in {})", configuration.domain(), configuration.dataDir());
        return gateway;
    }

    private void startListeners() {
        // SMTP (smtp-in), IMAP (imap-out) and HTTPS listeners are added here as their modules land.
    }

    public Configuration configuration() {
        return configuration;
    }

    public Database database() {
        return database;
    }

    public TlsMaterial tls() {
        return tls;
    }

    @Override
    public void close() {
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                LOG.warn("Stopping a listener failed: {}", e.getMessage(), e);
            }
        }
        database.close();
        LOG.info("Liaison stopped");
    }
}
