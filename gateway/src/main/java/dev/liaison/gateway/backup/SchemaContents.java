package dev.liaison.gateway.backup;

import dev.liaison.mapping.database.Schema;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What Liaison's schemas hold as the catalog describes it: their tables (Flyway's history tables
 * aside: the migrations write those) in an order that lets each be loaded after every table its
 * foreign keys name, and their sequences. Backup and restore read it the same way, so a restore
 * compares the backup's list with its own and builds every statement from the catalog, never from
 * the file.
 *
 * @param tables    in load order
 * @param sequences names and last values ({@code null}: never used), by name
 */
record SchemaContents(List<Table> tables, Map<String, Long> sequences) {

    /**
     * One table.
     *
     * @param name    schema-qualified, quoted where PostgreSQL needs it ({@code mapping.users})
     * @param columns its stored columns in order, quoted likewise and comma-separated (generated columns are not copied)
     */
    record Table(String name, String columns) {
    }

    private static final String TABLES = "SELECT c.oid, format('%I.%I', n.nspname, c.relname),"
            + " (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) FROM pg_attribute a"
            + "   WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '')"
            + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE n.nspname = ANY (?) AND c.relkind = 'r' AND c.relname <> 'flyway_history'"
            + " ORDER BY array_position(?, n.nspname::text), c.relname";
    private static final String FOREIGN_KEYS = "SELECT conrelid, confrelid FROM pg_constraint"
            + " WHERE contype = 'f' AND conrelid <> confrelid"; // a table naming itself loads in one COPY
    private static final String SEQUENCES = "SELECT format('%I.%I', schemaname, sequencename), last_value"
            + " FROM pg_sequences WHERE schemaname = ANY (?) ORDER BY 1";

    static SchemaContents read(Connection c, List<Schema> schemas) throws SQLException {
        String[] names = schemas.stream().map(Schema::name).toArray(String[]::new);
        Map<Long, Table> byOid = new LinkedHashMap<>();
        try (PreparedStatement s = c.prepareStatement(TABLES)) {
            Array array = c.createArrayOf("text", names);
            s.setArray(1, array);
            s.setArray(2, array);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    byOid.put(rs.getLong(1), new Table(rs.getString(2), rs.getString(3)));
                }
            }
        }
        Map<Long, Set<Long>> references = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement(FOREIGN_KEYS); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                references.computeIfAbsent(rs.getLong(1), k -> new HashSet<>()).add(rs.getLong(2));
            }
        }
        Map<String, Long> sequences = new LinkedHashMap<>();
        try (PreparedStatement s = c.prepareStatement(SEQUENCES)) {
            s.setArray(1, c.createArrayOf("text", names));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    long value = rs.getLong(2);
                    sequences.put(name, rs.wasNull() ? null : value);
                }
            }
        }
        return new SchemaContents(loadOrder(byOid, references), sequences);
    }

    /** Each table after those it references (among these), otherwise in schema order and by name. */
    private static List<Table> loadOrder(Map<Long, Table> byOid, Map<Long, Set<Long>> references) {
        List<Long> waiting = new ArrayList<>(byOid.keySet());
        Set<Long> placed = new HashSet<>();
        List<Table> order = new ArrayList<>();
        while (!waiting.isEmpty()) {
            Long next = waiting.stream()
                    .filter(t -> references.getOrDefault(t, Set.of()).stream()
                            .allMatch(r -> placed.contains(r) || !byOid.containsKey(r)))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("the foreign keys of "
                            + waiting.stream().map(t -> byOid.get(t).name()).toList()
                            + " form a cycle: no order loads them"));
            waiting.remove(next);
            placed.add(next);
            order.add(byOid.get(next));
        }
        return order;
    }
}
