package dev.liaison.imap.server;

import dev.liaison.imap.delivery.Delivered;
import dev.liaison.imap.delivery.Delivery;
import dev.liaison.mapping.database.Database;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/** Delivers messages the way gateway will: in a transaction of the caller's. */
final class DeliveryHelper {

    private DeliveryHelper() {
    }

    static Delivered deliver(TestImap imap, String owner, String folder, String message) {
        return deliver(imap, new Delivery(UUID.randomUUID().toString(), owner, folder,
                message.getBytes(StandardCharsets.UTF_8), false, Instant.now()));
    }

    /** Into {@code database} with no server running (a schema migrated only part of the way, say). */
    static Delivered deliver(Database database, String owner, String folder, String message) {
        return deliver(database, new Delivery(UUID.randomUUID().toString(), owner, folder,
                message.getBytes(StandardCharsets.UTF_8), false, Instant.now()));
    }

    static Delivered deliver(TestImap imap, Delivery delivery) {
        return deliver(imap.database, delivery);
    }

    private static Delivered deliver(Database database, Delivery delivery) {
        try {
            return database.inTransaction(c -> ImapService.delivery().deliver(c, delivery));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
