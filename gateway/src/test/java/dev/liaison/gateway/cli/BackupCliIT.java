package dev.liaison.gateway.cli;

import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Backup and restore of the embedded database with the real jar, as the README tells an
 * administrator: a backup taken while {@code liaison serve} runs (on the server's database), a
 * restore refused while it runs, then restored into a new data directory and into an external
 * PostgreSQL (the test server; in CI Debian's 15, an older major version than the embedded 18).
 */
class BackupCliIT {

    @TempDir
    Path work;

    @Test
    void aBackupOfTheRunningEmbeddedDatabaseRestoresIntoANewDataDirectoryAndAnExternalServer() throws Exception {
        LiaisonProcess liaison = new LiaisonProcess(work, Map.of());
        ServeProcess serve = ServeProcess.start(liaison.builder("serve", "--bind-address=127.0.0.1",
                "--smtp.submission.port=0", "--smtp.submissions.port=0", "--smtp.inbound.port=0", "--imap.port=0",
                "--imaps.port=0", "--http.port=0"), work.resolve("serve.log"));
        String alias;
        try {
            assertEquals(0, liaison.runWithInput("pw-for-alex\n", "user", "add", "alex", "--password-stdin").exitCode());
            alias = liaison.run("alias", "create", "--user", "alex").stdout().trim();

            var backup = liaison.run("backup", "liaison.backup");
            assertEquals(0, backup.exitCode(), backup.toString());
            assertTrue(backup.stdout().contains("keys/kek"), "says the kek is not in it: " + backup);
            assertEquals("rw-------", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(work.resolve("liaison.backup"))));

            var refused = liaison.run("restore", "liaison.backup", "--data-dir=liaison-data");
            assertEquals(3, refused.exitCode(), refused.toString());
            assertTrue(refused.stderr().startsWith("liaison: a Liaison server (process " + serve.pid()
                    + ") already runs the embedded database in "), refused.toString());
            assertTrue(serve.isAlive());
        } finally {
            serve.stop();
        }

        var restored = liaison.run("restore", "liaison.backup", "--data-dir=restored");
        assertEquals(0, restored.exitCode(), restored.toString());
        var aliases = liaison.run("alias", "list", "--data-dir=restored");
        assertTrue(aliases.stdout().contains(alias), aliases.toString());

        List<TestPostgres> servers = TestPostgres.available();
        var external = servers.get(servers.size() - 1).freshLocation();
        LiaisonProcess moved = new LiaisonProcess(work, Map.of("LIAISON_DATABASE_URL", external.url(),
                "LIAISON_DATABASE_USER", external.user(), "LIAISON_DATABASE_PASSWORD", external.password()));
        var intoExternal = moved.run("restore", "liaison.backup");
        assertEquals(0, intoExternal.exitCode(), intoExternal.toString());
        assertTrue(moved.run("alias", "list").stdout().contains(alias));
        var login = moved.runWithInput("pw-for-alex\n", "user", "list");
        assertTrue(login.stdout().contains("alex"), login.toString());
    }
}
