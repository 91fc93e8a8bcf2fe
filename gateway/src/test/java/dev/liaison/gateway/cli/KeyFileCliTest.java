package dev.liaison.gateway.cli;

import dev.liaison.gateway.Gateway;
import dev.liaison.gateway.config.Configuration;
import dev.liaison.gateway.keys.KeyEncryptionKey;
import dev.liaison.gateway.keys.KeyFileException;
import dev.liaison.mapping.database.DatabaseLocation;
import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * keys/kek missing, or not the one the database's state is sealed under (a data directory restored
 * without it, a second node given none or another): a configuration error (exit 2) that says which,
 * and no new key is generated over sealed state. Before, a missing one was generated afresh and the
 * start then failed with exit 4, "unexpected, a defect".
 */
class KeyFileCliTest {

    @TempDir
    Path dir;

    @Test
    void aMissingOrWrongKeyFileIsAConfigurationErrorAndNoKeyIsMadeOverSealedState() throws Exception {
        DatabaseLocation.External db = TestPostgres.EMBEDDED.freshLocation();
        InProcessCli cli = new InProcessCli(db, dir, "a.example");
        assertEquals(0, cli.runWithInput("pw-alice-0123456789\n", "user", "add", "alice", "--password-stdin").code());
        InProcessCli.Run invited = cli.run("invite", "create", "--user", "alice", "--qr", dir.resolve("qr.png").toString());
        assertEquals(0, invited.code(), invited.output());
        Path kek = KeyEncryptionKey.fileIn(dir);
        byte[] original = Files.readAllBytes(kek);

        Files.delete(kek);
        InProcessCli.Run missing = cli.run("invite", "create", "--user", "alice", "--qr", dir.resolve("qr.png").toString());
        assertEquals(ErrorReporter.CONFIGURATION, missing.code(), missing.output());
        assertEquals("liaison: the key-encryption key " + kek + " is missing, but the database holds the receiving"
                + " service's key ring, 1 relationship sealed under it: restore keys/kek from the backup of this data"
                + " directory (a further node on this database: copy the first node's); a new key would open none of"
                + " it\n", missing.output());
        assertFalse(Files.exists(kek), "no key is generated over sealed state");
        KeyFileException serve = assertThrows(KeyFileException.class, () -> Gateway.start(configuration(db)).close());
        assertTrue(serve.getMessage().contains(" is missing, but the database holds "), serve.getMessage());
        assertFalse(Files.exists(kek));

        Files.write(kek, new byte[32]);
        Files.setPosixFilePermissions(kek, PosixFilePermissions.fromString("rw-------"));
        InProcessCli.Run wrong = cli.run("invite", "create", "--user", "alice", "--qr", dir.resolve("qr.png").toString());
        assertEquals(ErrorReporter.CONFIGURATION, wrong.code(), wrong.output());
        assertTrue(wrong.output().startsWith("liaison: the key-encryption key keys/kek of this data directory does"
                + " not match the database: the receiving service's key ring sealed in it does not open with it;"
                + " restore the keys/kek that belongs to this database"), wrong.output());

        Files.write(kek, original);
        assertEquals(0, cli.run("relationship", "list", "--user", "alice").code());
    }

    private Configuration configuration(DatabaseLocation.External db) {
        return Configuration.defaultsWith(Map.ofEntries(Map.entry("domain", "a.example"),
                Map.entry("data-dir", dir.toString()), Map.entry("bind-address", "127.0.0.1"),
                Map.entry("smtp.submission.port", "0"), Map.entry("smtp.submissions.port", "0"),
                Map.entry("smtp.inbound.port", "0"), Map.entry("imap.port", "0"), Map.entry("imaps.port", "0"),
                Map.entry("http.port", "0"), Map.entry("database.url", db.url()),
                Map.entry("database.user", db.user()), Map.entry("database.password", db.password())));
    }
}
