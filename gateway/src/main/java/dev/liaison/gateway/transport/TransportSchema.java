package dev.liaison.gateway.transport;

import dev.liaison.mapping.database.Schema;

/** The transport layer's share of the database: the outbound queue and the inbound store. */
public final class TransportSchema {

    public static final Schema SCHEMA = new Schema("transport", "classpath:db/transport");

    private TransportSchema() {
    }
}
