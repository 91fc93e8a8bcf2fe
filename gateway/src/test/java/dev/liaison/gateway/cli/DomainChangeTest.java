package dev.liaison.gateway.cli;

import dev.liaison.gateway.Gateway;
import dev.liaison.gateway.config.Configuration;
import dev.liaison.gateway.config.ConfigurationException;
import dev.liaison.mapping.database.DatabaseLocation;
import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code domain} changed on a gateway whose users have aliases: every alias and every login with
 * the old address would stop working, so serve and the admin commands refuse to run (exit 2, a
 * configuration error), name both domains and say what to do, and change nothing (the certificate
 * for the old domain stays). Before, the gateway started and broke every alias.
 */
class DomainChangeTest {

    @TempDir
    Path dir;

    @Test
    void aDomainChangeUnderExistingAliasesIsRefusedNamingBothDomainsAndChangesNothing() throws Exception {
        DatabaseLocation.External db = TestPostgres.EMBEDDED.freshLocation();
        InProcessCli before = new InProcessCli(db, dir, "a.example");
        assertEquals(0, before.runWithInput("pw-alice-0123456789\n", "user", "add", "alice", "--password-stdin").code());
        InProcessCli.Run alias = before.run("alias", "create", "--user", "alice");
        assertEquals(0, alias.code(), alias.output());
        try (Gateway gateway = Gateway.start(configuration(db, "a.example"))) {
            assertTrue(gateway.tls().certificate().toString().contains("a.example"));
        }
        byte[] certificate = Files.readAllBytes(dir.resolve("tls").resolve("certificate.pem"));

        InProcessCli after = new InProcessCli(db, dir, "b.example");
        InProcessCli.Run list = after.run("alias", "list");
        assertEquals(ErrorReporter.CONFIGURATION, list.code(), list.output());
        assertTrue(list.output().startsWith("liaison: domain is b.example, but this database holds aliases under"
                + " another domain (1 under a.example): the domain cannot be changed once aliases exist"), list.output());
        assertTrue(list.output().contains("set domain=a.example again"), list.output());
        assertEquals(ErrorReporter.CONFIGURATION, after.run("user", "list").code());

        ConfigurationException serve = assertThrows(ConfigurationException.class,
                () -> Gateway.start(configuration(db, "b.example")).close());
        assertTrue(serve.getMessage().contains("under another domain (1 under a.example)"), serve.getMessage());
        assertArrayEquals(certificate, Files.readAllBytes(dir.resolve("tls").resolve("certificate.pem")),
                "the certificate for a.example is kept");

        InProcessCli.Run back = before.run("alias", "list");
        assertEquals(0, back.code(), back.output());
        assertTrue(back.output().contains("@a.example"), back.output());
    }

    @Test
    void usersWithoutAliasesDoNotPinTheDomain() {
        DatabaseLocation.External db = TestPostgres.EMBEDDED.freshLocation();
        assertEquals(0, new InProcessCli(db, dir, "a.example")
                .runWithInput("pw-alice-0123456789\n", "user", "add", "alice", "--password-stdin").code());
        InProcessCli.Run moved = new InProcessCli(db, dir, "b.example").run("user", "list");
        assertEquals(0, moved.code(), moved.output());
        assertTrue(moved.output().contains("alice"), moved.output());
    }

    private Configuration configuration(DatabaseLocation.External db, String domain) {
        return Configuration.defaultsWith(Map.ofEntries(Map.entry("domain", domain),
                Map.entry("data-dir", dir.toString()), Map.entry("bind-address", "127.0.0.1"),
                Map.entry("smtp.submission.port", "0"), Map.entry("smtp.submissions.port", "0"),
                Map.entry("smtp.inbound.port", "0"), Map.entry("imap.port", "0"), Map.entry("imaps.port", "0"),
                Map.entry("http.port", "0"), Map.entry("database.url", db.url()),
                Map.entry("database.user", db.user()), Map.entry("database.password", db.password())));
    }
}
