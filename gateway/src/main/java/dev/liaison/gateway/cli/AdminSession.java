package dev.liaison.gateway.cli;

import dev.liaison.gateway.Relay;

import dev.liaison.gateway.admin.Administration;
import dev.liaison.gateway.config.AliasDomain;
import dev.liaison.gateway.config.Configuration;
import dev.liaison.mapping.MappingSchema;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.PoolSettings;

/**
 * The database for one admin command: the running server's embedded PostgreSQL when
 * {@code liaison serve} runs on the same data directory, else one started for the command.
 */
final class AdminSession implements AutoCloseable {

    private final Database db;
    private final Administration administration;
    private final Configuration configuration;
    private Relay relay;

    AdminSession(Configuration configuration) {
        this.db = Database.open(configuration.database(), PoolSettings.forCommand());
        try {
            db.migrate(MappingSchema.SCHEMA);
            AliasDomain.requireConfigured(db, configuration.domain());
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        this.administration = new Administration(db, configuration.domain());
        this.configuration = configuration;
    }

    Database database() {
        return db;
    }

    /**
     * The relay's parts on this database (relationship commands), migrating their schemas first.
     * Routes handed to peers name {@code http.public-url} (or https://domain:http.port).
     */
    Relay relay() throws java.sql.SQLException {
        if (relay == null) {
            db.migrate(new dev.liaison.mapping.database.Schema(dev.liaison.imap.server.ImapService.SCHEMA,
                    dev.liaison.imap.server.ImapService.MIGRATIONS));
            Relay.migrate(db);
            java.net.URI endpoint = Relay.endpoint(configuration, configuration.port(dev.liaison.gateway.config.ConfigKey.HTTP_PORT));
            relay = new Relay(configuration, db, new dev.liaison.imap.store.PostgresMailboxDelivery(java.time.Clock.systemUTC()),
                    () -> endpoint);
        }
        return relay;
    }

    Administration administration() {
        return administration;
    }

    @Override
    public void close() {
        db.close();
    }
}
