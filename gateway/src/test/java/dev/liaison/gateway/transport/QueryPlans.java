package dev.liaison.gateway.transport;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How PostgreSQL runs a store's statements: the texts a store prepares on a connection, and the
 * generic plan of each (the one the driver's prepared statements settle on after a few executions),
 * with the scans in it that read every row their index or table holds. For tests that keep a
 * queue's per-envelope statements on their keys when the statistics are stale.
 */
public final class QueryPlans {

    private static final Pattern INDEX_SCAN = Pattern.compile("(Index Scan|Index Only Scan|Bitmap Index Scan)"
            + "( Backward)?( using)? (\\S+) on ");

    private static final Pattern BUFFERS = Pattern.compile("Buffers: shared[^\n]*");
    private static final Pattern TOTAL_COST = Pattern.compile("cost=[0-9.]+\\.\\.([0-9.]+)");
    private static final Pattern BUFFER_COUNT = Pattern.compile("(?:hit|read)=(\\d+)");

    private QueryPlans() {
    }

    /** The generic plan of {@code sql} (JDBC placeholders), which the driver's prepared statements settle on. */
    public static String genericPlan(Connection c, String sql) throws SQLException {
        return explainGeneric(c, sql, "(COSTS OFF) ");
    }

    /** The estimated total cost of the generic plan of {@code sql}: above {@code jit_above_cost}, every run is JIT-compiled. */
    public static double genericCost(Connection c, String sql) throws SQLException {
        Matcher cost = TOTAL_COST.matcher(explainGeneric(c, sql, ""));
        if (!cost.find()) {
            throw new IllegalStateException("no cost in the plan of " + sql);
        }
        return Double.parseDouble(cost.group(1));
    }

    /** {@code EXPLAIN options} of the generic plan of {@code sql}; the session's settings are left as they were. */
    private static String explainGeneric(Connection c, String sql, String options) throws SQLException {
        int parameters = (int) sql.chars().filter(ch -> ch == '?').count();
        execute(c, "SET plan_cache_mode = force_generic_plan");
        try {
            execute(c, "PREPARE under_test AS " + numbered(sql));
            try {
                return explain(c, "EXPLAIN " + options + "EXECUTE under_test("
                        + String.join(", ", Collections.nCopies(parameters, "NULL")) + ")");
            } finally {
                execute(c, "DEALLOCATE under_test");
            }
        } finally {
            execute(c, "RESET plan_cache_mode");
        }
    }

    /**
     * {@code EXPLAIN (ANALYZE, BUFFERS)} of {@code sql} run with {@code arguments} (SQL expressions,
     * one per placeholder), in its generic plan or in a custom one; the statement's effects are rolled
     * back, and so are its row locks.
     */
    public static String analyzed(Connection c, String sql, List<String> arguments, boolean generic)
            throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        execute(c, "SET LOCAL plan_cache_mode = " + (generic ? "force_generic_plan" : "force_custom_plan"));
        execute(c, "PREPARE under_test AS " + numbered(sql));
        try {
            return explain(c, "EXPLAIN (ANALYZE, BUFFERS) EXECUTE under_test(" + String.join(", ", arguments) + ")");
        } finally {
            c.rollback();
            execute(c, "DEALLOCATE under_test");
            c.setAutoCommit(autoCommit);
        }
    }

    /** The shared buffers (hit and read) the whole of an {@link #analyzed} plan took, from its top node. */
    public static int buffers(String analyzedPlan) {
        Matcher line = BUFFERS.matcher(analyzedPlan);
        if (!line.find()) {
            throw new IllegalArgumentException("no Buffers line in\n" + analyzedPlan);
        }
        int total = 0;
        Matcher count = BUFFER_COUNT.matcher(line.group());
        while (count.find()) {
            total += Integer.parseInt(count.group(1));
        }
        return total;
    }

    private static String explain(Connection c, String explain) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(explain)) {
            StringBuilder plan = new StringBuilder();
            while (rs.next()) {
                plan.append(rs.getString(1)).append('\n');
            }
            return plan.toString();
        }
    }

    /** {@code sql} with its JDBC placeholders numbered as PREPARE takes them. */
    private static String numbered(String sql) {
        StringBuilder numbered = new StringBuilder();
        int parameters = 0;
        for (char ch : sql.toCharArray()) {
            if (ch == '?') {
                numbered.append('$').append(++parameters);
            } else {
                numbered.append(ch);
            }
        }
        return numbered.toString();
    }

    /** The indexes of the plan's scans that have no Index Cond (a sequential scan counts as "seq"). */
    public static List<String> scansWithoutIndexCondition(String plan) {
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
    public static Connection recording(Connection real, Set<String> statements) {
        return (Connection) Proxy.newProxyInstance(QueryPlans.class.getClassLoader(), new Class<?>[]{Connection.class},
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

    /**
     * Fails unless the generic plan of every one of {@code statements} reaches its rows through an
     * index condition.
     */
    public static void assertEachFindsItsRowsByAnIndexCondition(Connection c, Set<String> statements)
            throws SQLException {
        for (String sql : statements) {
            String plan = genericPlan(c, sql);
            List<String> unbounded = scansWithoutIndexCondition(plan);
            assertTrue(unbounded.isEmpty(), "scans " + unbounded + " read every row they cover in\n" + sql + "\n" + plan);
        }
    }

    /** Runs one statement on {@code c}; returns null, for use as a transaction's work. */
    public static Void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
        return null;
    }
}
