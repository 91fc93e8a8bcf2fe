package dev.liaison.mapping.database;

import java.util.regex.Pattern;

/**
 * One module's share of the database: a PostgreSQL schema of its own and the Flyway migrations
 * that build it. Each module owns exactly one schema and never reads another module's.
 *
 * @param name      the PostgreSQL schema name, also the module's name ({@code mapping}, {@code imap})
 * @param locations Flyway locations of the module's migrations, e.g. {@code classpath:db/mapping}
 */
public record Schema(String name, String locations) {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,30}");

    public Schema {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("schema name '" + name + "' must match " + NAME);
        }
    }
}
