package dev.liaison.gateway.backup;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The first entry of a backup file: what it holds, one tab-separated line each, readable with
 * {@code unzip -p FILE header}: the format, when it was taken, each schema's Flyway version, the
 * tables in the order their data follows (with their columns) and the sequences' values.
 *
 * @param versions  Flyway version by schema, for the schemas the database had
 * @param tables    in the order the entries follow and a restore loads them
 * @param sequences last value by sequence ({@code null}: never used)
 */
record BackupHeader(Instant taken, Map<String, String> versions, List<SchemaContents.Table> tables,
                    Map<String, Long> sequences) {

    static final String ENTRY = "header";
    private static final String FORMAT = "liaison-backup\t1";
    private static final String NEVER_USED = "-";

    String text() {
        StringBuilder b = new StringBuilder(FORMAT).append('\n');
        b.append("taken\t").append(taken).append('\n');
        versions.forEach((schema, version) -> b.append("schema\t").append(schema).append('\t').append(version).append('\n'));
        tables.forEach(t -> b.append("table\t").append(t.name()).append('\t').append(t.columns()).append('\n'));
        sequences.forEach((name, value) -> b.append("sequence\t").append(name).append('\t')
                .append(value == null ? NEVER_USED : value.toString()).append('\n'));
        return b.toString();
    }

    /** Reads a header; a line it does not know, or a missing part, is a {@link DamagedBackupException}. */
    static BackupHeader parse(InputStream in) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        if (!FORMAT.equals(reader.readLine())) {
            throw new DamagedBackupException("it does not start as a Liaison backup (format 1) does");
        }
        Instant taken = null;
        Map<String, String> versions = new LinkedHashMap<>();
        List<SchemaContents.Table> tables = new ArrayList<>();
        Map<String, Long> sequences = new LinkedHashMap<>();
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            String[] f = line.split("\t", -1);
            try {
                switch (f[0]) {
                    case "taken" -> taken = Instant.parse(f[1]);
                    case "schema" -> versions.put(f[1], f[2]);
                    case "table" -> tables.add(new SchemaContents.Table(f[1], f[2]));
                    case "sequence" -> sequences.put(f[1], NEVER_USED.equals(f[2]) ? null : Long.valueOf(f[2]));
                    default -> throw new DamagedBackupException("its header has a line it should not: " + f[0]);
                }
            } catch (ArrayIndexOutOfBoundsException | DateTimeParseException | NumberFormatException e) {
                throw new DamagedBackupException("its header line '" + f[0] + "' is cut short or garbled");
            }
        }
        if (taken == null || versions.isEmpty()) {
            throw new DamagedBackupException("its header names no schema");
        }
        return new BackupHeader(taken, versions, tables, sequences);
    }
}
