package dev.liaison.imap.server;

import dev.liaison.imap.delivery.Delivered;
import dev.liaison.imap.delivery.Delivery;

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

    static Delivered deliver(TestImap imap, Delivery delivery) {
        try {
            return imap.database.inTransaction(c -> ImapService.delivery().deliver(c, delivery));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
