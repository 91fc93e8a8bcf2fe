package dev.liaison.gateway.transport.send;

import dev.liaison.gateway.transport.EnvelopeBytes;
import dev.liaison.gateway.transport.EnvelopeId;
import dev.liaison.gateway.transport.TransportSchema;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How PostgreSQL runs the statements a delivery worker sends for every envelope, when the queue's
 * statistics were taken while it was empty (an idle queue's normal state, in which autovacuum
 * analyses it) and a backlog has built up since (a peer that was down, or a burst). Each statement
 * must still reach its rows through an index condition: a whole scan of one of the partial indexes
 * of pending rows reads the entire backlog for every envelope, which made draining a backlog
 * quadratic (docs/benchmarks.md, twelfth session: 550 buffers read per delivery record under load).
 * The plans are the generic ones that the driver's prepared statements settle on.
 */
@ParameterizedClass
@MethodSource("dev.liaison.mapping.database.TestPostgres#available")
class QueuePlansTest {

    private static final URI PEER = URI.create("https://peer.example/communicator/v1/envelopes");
    private static final Duration LEASE = Duration.ofMinutes(2);
    private static final Pattern INDEX_SCAN = Pattern.compile("(Index Scan|Index Only Scan|Bitmap Index Scan)"
            + "( Backward)?( using)? (\\S+) on ");

    @Parameter
    TestPostgres postgres;

    @Test
    void everyPerEnvelopeStatementFindsItsRowsByAnIndexConditionWhenTheStatisticsSayTheQueueIsEmpty()
            throws Exception {
        try (Database db = postgres.freshDatabase()) {
            db.migrate(TransportSchema.SCHEMA);
            OutboundQueue queue = new OutboundQueue(DeliverySettings.defaults());
            // only this test analyses the table: autovacuum must not refresh the statistics midway
            db.inAutocommit(c -> execute(c, "ALTER TABLE transport.outbound SET (autovacuum_enabled = false)"));
            enqueue(db, queue, 1);
            ClaimedEnvelope only = db.inAutocommit(c -> queue.claimNextOnItsOwn(c, PEER.toString(), LEASE)).orElseThrow();
            db.inAutocommit(c -> queue.recordDeliveredOnItsOwn(c, only, Optional.empty()));
            db.inAutocommit(c -> execute(c, "VACUUM ANALYZE transport.outbound"));
            enqueue(db, queue, 300);

            Set<String> statements = new LinkedHashSet<>();
            db.inAutocommit(real -> {
                Connection c = recording(real, statements);
                ClaimedEnvelope first = queue.claimNextOnItsOwn(c, PEER.toString(), LEASE).orElseThrow();
                ClaimedEnvelope second = queue.recordDeliveredOnItsOwn(c, first, Optional.of(LEASE)).orElseThrow();
                queue.recordDeliveredOnItsOwn(c, second, Optional.empty());
                assertTrue(queue.scheduleRetry(c, queue.claimNextOnItsOwn(c, PEER.toString(), LEASE).orElseThrow(),
                        Duration.ofMinutes(1), "peer busy"));
                assertTrue(queue.markDelivered(c, queue.claimNextOnItsOwn(c, PEER.toString(), LEASE).orElseThrow()));
                assertTrue(queue.reject(c, queue.claimNextOnItsOwn(c, PEER.toString(), LEASE).orElseThrow(), "refused")
                        .isPresent());
                return null;
            });
            assertEquals(6, statements.size(), "claim, record-and-claim, record, retry, delivered, rejected + its age: "
                    + statements);
            try (Connection c = db.dataSource().getConnection()) {
                SQLException stray = assertThrows(SQLException.class, () -> execute(c,
                        "UPDATE transport.outbound SET claim_token = gen_random_uuid() WHERE state <> 'pending'"));
                assertEquals("23514", stray.getSQLState(), "what the records rely on: only a pending row holds a lease");
            }
            db.inAutocommit(c -> {
                for (String sql : statements) {
                    String plan = genericPlan(c, sql);
                    List<String> unbounded = scansWithoutIndexCondition(plan);
                    assertTrue(unbounded.isEmpty(), "scans " + unbounded + " read every row they cover in\n" + sql
                            + "\n" + plan);
                }
                return null;
            });
        }
    }

    /** The checker itself: it finds the whole-index scan that the record statement used to get. */
    @Test
    void aWholeScanOfAPartialIndexIsFound() throws Exception {
        try (Database db = postgres.freshDatabase()) {
            db.migrate(TransportSchema.SCHEMA);
            String plan = db.inAutocommit(c -> genericPlan(c, "SELECT id FROM transport.outbound"
                    + " WHERE state = 'pending' ORDER BY expires_at LIMIT ?"));
            assertEquals(List.of("outbound_expiring"), scansWithoutIndexCondition(plan), plan);
            String byKey = db.inAutocommit(c -> genericPlan(c, "SELECT id FROM transport.outbound WHERE id = ?"));
            assertEquals(List.of(), scansWithoutIndexCondition(byKey), byKey);
        }
    }

    @Test
    void theCheckerReadsNestedPlans() {
        String plan = """
                Update on outbound o
                  CTE done
                    ->  Update on outbound
                          ->  Index Scan using outbound_expiring on outbound
                                Filter: ((id = $2) AND (claim_token = $3))
                  ->  Nested Loop
                        ->  Index Scan using outbound_pkey on outbound o
                              Index Cond: (id = next.id)
                """;
        assertEquals(List.of("outbound_expiring"), scansWithoutIndexCondition(plan));
        assertFalse(scansWithoutIndexCondition("Seq Scan on outbound\n").isEmpty());
    }

    private static void enqueue(Database db, OutboundQueue queue, int count) {
        db.inTransaction(c -> {
            for (int i = 0; i < count; i++) {
                queue.enqueue(c, new OutboundEnvelope(EnvelopeId.random(), PEER, EnvelopeBytes.copyOf(new byte[512])));
            }
            return null;
        });
    }

    /** The generic plan of {@code sql} (JDBC placeholders), which the driver's prepared statements settle on. */
    private static String genericPlan(Connection c, String sql) throws SQLException {
        StringBuilder numbered = new StringBuilder();
        int parameters = 0;
        for (char ch : sql.toCharArray()) {
            if (ch == '?') {
                numbered.append('$').append(++parameters);
            } else {
                numbered.append(ch);
            }
        }
        execute(c, "SET plan_cache_mode = force_generic_plan");
        execute(c, "PREPARE under_test AS " + numbered);
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("EXPLAIN (COSTS OFF) EXECUTE under_test("
                     + String.join(", ", java.util.Collections.nCopies(parameters, "NULL")) + ")")) {
            StringBuilder plan = new StringBuilder();
            while (rs.next()) {
                plan.append(rs.getString(1)).append('\n');
            }
            return plan.toString();
        } finally {
            execute(c, "DEALLOCATE under_test");
            execute(c, "RESET plan_cache_mode");
        }
    }

    /** The indexes of the plan's scans that have no Index Cond (a sequential scan counts as "seq"). */
    static List<String> scansWithoutIndexCondition(String plan) {
        List<String> found = new ArrayList<>();
        String[] lines = plan.split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains("Seq Scan on ")) {
                found.add("seq");
                continue;
            }
            Matcher m = INDEX_SCAN.matcher(lines[i]);
            if (!m.find()) {
                continue;
            }
            boolean bounded = false;
            for (int j = i + 1; j < lines.length && !lines[j].contains("->") && !lines[j].strip().startsWith("CTE ");
                 j++) {
                bounded |= lines[j].strip().startsWith("Index Cond:");
            }
            if (!bounded) {
                found.add(m.group(4));
            }
        }
        return found;
    }

    /** {@code real}, noting the text of every statement prepared on it. */
    private static Connection recording(Connection real, Set<String> statements) {
        return (Connection) Proxy.newProxyInstance(QueuePlansTest.class.getClassLoader(), new Class<?>[]{Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("prepareStatement")) {
                        statements.add((String) args[0]);
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static Object execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
        return null;
    }
}
