package dev.liaison.gateway.transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * This node's stable name: a random UUID kept in {@code data-dir/node-id}, written once. Outbound
 * claims carry it, so the node can tell its own claims (left by a crash) from those of other nodes
 * sharing the database. It names nothing else and is never shown to peers.
 */
public final class NodeName {

    private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private NodeName() {
    }

    /** The name stored under {@code dataDir}, created the first time. */
    public static String loadOrCreate(Path dataDir) {
        Path file = dataDir.resolve("node-id");
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(dataDir);
                try {
                    Files.writeString(Files.createFile(file), UUID.randomUUID() + "\n", StandardCharsets.US_ASCII);
                } catch (FileAlreadyExistsException raced) {
                    // another process of this node wrote it first: read theirs
                }
            }
            String name = Files.readString(file, StandardCharsets.US_ASCII).strip();
            if (!UUID_TEXT.matcher(name).matches()) {
                throw new IllegalStateException(file + " does not hold a node name (a UUID); delete it to get a new one");
            }
            return name;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file + ": " + e.getMessage(), e);
        }
    }
}
