package dev.liaison.gateway.cli;

import dev.liaison.gateway.admin.Administration;
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

    AdminSession(Configuration configuration) {
        this.db = Database.open(configuration.database(), PoolSettings.forCommand());
        try {
            db.migrate(MappingSchema.SCHEMA);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        this.administration = new Administration(db, configuration.domain());
    }

    Administration administration() {
        return administration;
    }

    @Override
    public void close() {
        db.close();
    }
}
