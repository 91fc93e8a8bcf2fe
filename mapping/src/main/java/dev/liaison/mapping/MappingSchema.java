package dev.liaison.mapping;

import dev.liaison.mapping.database.Schema;

/** The schema of the mapping module: users, aliases and (later) relationships. */
public final class MappingSchema {

    public static final Schema SCHEMA = new Schema("mapping", "classpath:db/mapping");

    private MappingSchema() {
    }
}
