package dev.liaison.gateway.cli;

import dev.liaison.gateway.Gateway;
import dev.liaison.gateway.backup.DatabaseBackup;
import dev.liaison.gateway.config.Configuration;
import dev.liaison.gateway.config.TlsSource;
import dev.liaison.gateway.keys.KeyEncryptionKey;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.PoolSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code liaison backup FILE}: a consistent copy of the database's Liaison data, taken while the
 * gateway runs (on the server's embedded database, or on {@code database.url}) or while it is stopped.
 */
@Command(name = "backup", description = {"Write every Liaison table of the database, as one consistent snapshot,"
        + " to FILE (mode 0600; replaced only once the new one is whole). Works while liaison serve runs.",
        "Not in it: the key-encryption key (data-dir/keys/kek) and the TLS certificate (data-dir/tls/, or the"
                + " files tls.certificate and tls.private-key name); back them up separately."})
public final class BackupCommand implements Callable<Integer> {

    @Mixin CommonOptions common;
    @Parameters(paramLabel = "FILE", description = "where to write the backup") Path file;

    @Override
    public Integer call() {
        if (Files.isDirectory(file)) {
            throw new InvalidInputException(file + " is a directory: name the backup file to write");
        }
        Path directory = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(directory)) {
            throw new InvalidInputException("directory " + directory + " does not exist: create it first");
        }
        Configuration configuration = common.configuration();
        DatabaseBackup.Written written;
        // no migration: a backup takes the schemas as they are (before an upgrade, say)
        try (Database database = Database.open(configuration.database(), PoolSettings.forCommand())) {
            written = DatabaseBackup.write(database, Gateway.SCHEMAS, file);
        }
        System.out.println("Backed up " + written.tables() + " tables, " + written.rows() + " rows (schemas "
                + written.versions().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", ")) + ") to " + written.file() + ", " + written.bytes() + " bytes, mode 0600.");
        // the certificate peers trust: the generated one's directory, or the files tls.* name
        String certificate = configuration.tls() instanceof TlsSource.Files files
                ? files.certificate() + " with " + files.privateKey()
                : ((TlsSource.Generated) configuration.tls()).directory().toString();
        System.out.println("Not in it: the key-encryption key " + KeyEncryptionKey.fileIn(configuration.dataDir())
                + ", without which the restored relationships and keys do not open, and the TLS certificate "
                + certificate + "; keep copies of both, apart from this file.");
        return 0;
    }
}
