package dev.liaison.gateway.cli;

import dev.liaison.gateway.Gateway;
import dev.liaison.gateway.backup.DamagedBackupException;
import dev.liaison.gateway.backup.DatabaseRestore;
import dev.liaison.gateway.config.Configuration;
import dev.liaison.gateway.keys.KeyEncryptionKey;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.PoolSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code liaison restore FILE}: a {@code liaison backup} into an empty database, with the gateway
 * stopped: the embedded database is started for this command alone, and a running server is refused.
 */
@Command(name = "restore", description = {"Load a backup written by liaison backup into an empty database"
        + " (the embedded one, or database.url) with liaison serve stopped. All or nothing: a damaged file"
        + " leaves the database empty.",
        "Needs the same release's schema versions as the backup, and the key-encryption key"
        + " (data-dir/keys/kek) of the gateway that took it."})
public final class RestoreCommand implements Callable<Integer> {

    @Mixin CommonOptions common;
    @Parameters(paramLabel = "FILE", description = "a backup file") Path file;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException("backup file " + file + " does not exist");
        }
        Configuration configuration = common.configuration();
        DatabaseRestore.Restored restored;
        // owned: a liaison serve running on the embedded database is refused at once, and none starts meanwhile
        try (Database database = Database.openOwned(configuration.database(),
                new PoolSettings(DatabaseRestore.POOL, 2, Duration.ofSeconds(10)))) {
            restored = DatabaseRestore.restore(database, Gateway.SCHEMAS, file);
        } catch (DamagedBackupException e) {
            throw new InvalidInputException("the backup " + file + " is damaged: " + e.getMessage()
                    + "; nothing was restored");
        }
        System.out.println("Restored " + restored.tables() + " tables, " + restored.rows() + " rows (schemas "
                + restored.versions().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", ")) + ") from the backup taken " + restored.taken() + ".");
        System.out.println("Start liaison serve with the key-encryption key of the gateway that took it in "
                + KeyEncryptionKey.fileIn(configuration.dataDir()) + ". Restoring an older backup has consequences:"
                + " see docs/operations.md, \"Restoring an older backup\".");
        return 0;
    }
}
