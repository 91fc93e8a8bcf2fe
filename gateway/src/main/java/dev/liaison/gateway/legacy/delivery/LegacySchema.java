package dev.liaison.gateway.legacy.delivery;

import dev.liaison.gateway.transport.send.QueueTable;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.Schema;

import java.util.Set;

/** Outbound legacy email's share of the database: schema {@code legacy} (queue, SMTP envelopes, DKIM keys). */
public final class LegacySchema {

    public static final Schema SCHEMA = new Schema("legacy", "classpath:db/legacy");

    /**
     * The plain-email queue: the sending service's queue code on its own table, destinations {@code smtp://domain}.
     * Each envelope keeps its own retry timer: a domain's temporary refusal of one recipient holds up no other.
     */
    public static final QueueTable QUEUE = new QueueTable("legacy", "legacy.outbound", "legacy_outbound", Set.of("smtp"),
            false);

    private LegacySchema() {
    }

    /** Creates or updates schema {@code legacy}; needs nothing else migrated first. */
    public static void migrate(Database database) {
        database.migrate(SCHEMA);
    }
}
