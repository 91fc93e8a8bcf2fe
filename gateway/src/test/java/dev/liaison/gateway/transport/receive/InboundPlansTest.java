package dev.liaison.gateway.transport.receive;

import dev.liaison.gateway.transport.EnvelopeBytes;
import dev.liaison.gateway.transport.EnvelopeId;
import dev.liaison.gateway.transport.Limits;
import dev.liaison.gateway.transport.QueryPlans;
import dev.liaison.gateway.transport.TransportSchema;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.Connection;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The inbound processors' per-envelope statements, as {@code QueuePlansTest} checks the outbound
 * queue's: with statistics of an empty store and a backlog since, each reaches its row through an
 * index condition, never by reading the whole partial index of pending envelopes.
 */
@ParameterizedClass
@MethodSource("dev.liaison.mapping.database.TestPostgres#available")
class InboundPlansTest {

    private static final PeerAddress PEER = PeerAddress.parse("192.0.2.7");

    @Parameter
    TestPostgres postgres;

    @Test
    void everyPerEnvelopeStatementFindsItsRowByAnIndexConditionWhenTheStatisticsSayTheStoreIsEmpty()
            throws Exception {
        try (Database db = postgres.freshDatabase()) {
            db.migrate(TransportSchema.SCHEMA);
            InboundStore store = new InboundStore(Clock.systemUTC());
            db.inAutocommit(c -> QueryPlans.execute(c, "ALTER TABLE transport.inbound SET (autovacuum_enabled = false)"));
            store(db, store, 1);
            db.inTransaction(c -> {
                store.finish(c, store.lockNext(c).orElseThrow().id(), new InboundProcessor.Done());
                return null;
            });
            db.inAutocommit(c -> QueryPlans.execute(c, "VACUUM ANALYZE transport.inbound"));
            store(db, store, 300);

            Set<String> statements = new LinkedHashSet<>();
            db.inTransaction(real -> {
                Connection c = QueryPlans.recording(real, statements);
                InboundEnvelope failing = store.lockNext(c).orElseThrow();
                assertFalse(store.recordFailure(c, failing.id(), "cannot open", 5, Limits.PROCESSING_RETRY));
                return null;
            });
            db.inTransaction(real -> {
                Connection c = QueryPlans.recording(real, statements);
                store.finish(c, store.lockNext(c).orElseThrow().id(), new InboundProcessor.Done());
                return null;
            });
            assertEquals(3, statements.size(), "lock the next, count a failure, record the outcome: " + statements);
            db.inAutocommit(c -> {
                QueryPlans.assertEachFindsItsRowsByAnIndexCondition(c, statements);
                return null;
            });
        }
    }

    private static void store(Database db, InboundStore store, int count) {
        db.inTransaction(c -> {
            for (int i = 0; i < count; i++) {
                assertTrue(store.store(c, EnvelopeId.random(), EnvelopeBytes.copyOf(new byte[512]), PEER,
                        new EnvelopeAcceptor.Deferred()));
            }
            return null;
        });
    }
}
