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

    /** Whether this JVM has the hook that stops an embedded PostgreSQL it started (once per JVM). */
    private static final java.util.concurrent.atomic.AtomicBoolean STOPPED_ON_EXIT =
            new java.util.concurrent.atomic.AtomicBoolean();

    AdminSession(Configuration configuration) {
        stopDatabaseOnExit();
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

    /**
     * A command that started the embedded PostgreSQL itself (no {@code serve} runs on the data
     * directory) and is ended by Ctrl-C or SIGTERM, which the JVM handles for an admin command,
     * stops it as {@code serve} does ({@link ServeCommand#shutdownHook}); else the postmaster
     * outlives the command and the next start has to stop it. Registered before the start: a
     * signal during it waits for the start to finish, then stops the server. Its transaction is
     * not committed, so the command changes nothing.
     */
    private static void stopDatabaseOnExit() {
        if (STOPPED_ON_EXIT.compareAndSet(false, true)) {
            Runtime.getRuntime().addShutdownHook(ServeCommand.shutdownHook(() -> { }, "liaison-command-database-stop"));
        }
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
