package dev.liaison.gateway.cli;

import dev.liaison.gateway.admin.Administration;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.TestPostgres;
import dev.liaison.mapping.relationship.PostgresRelationshipStore;
import dev.liaison.mapping.user.Login;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code liaison invite …} run as the administrator runs it, on a real database. */
class InviteCliTest {

    private static final String DOMAIN = "alex.example";

    @TempDir
    Path dir;

    /** The name the other person sees goes into a From header field: checked as user add checks a display name. */
    @Test
    void aNameWithControlCharactersIsRefusedAsUserAddRefusesItAndNothingIsCreated() throws Exception {
        InProcessCli cli = new InProcessCli(TestPostgres.EMBEDDED.freshLocation(), dir, DOMAIN);
        try (Database database = cli.open()) {
            new Administration(database, DOMAIN).addUser(Login.of("alex"), "Alex", "alex-pw".toCharArray());
            Path qr = dir.resolve("invite.png");
            for (String name : new String[]{"Alex\r\nBcc: eve@evil.example", "Alex\tDoe", "Alex\u0000", "Alex\u007f"}) {
                InProcessCli.Run refused = cli.run("invite", "create", "--user", "alex", "--name", name, "--qr", qr.toString());
                assertEquals(1, refused.code(), "refused as invalid input: " + refused.output());
                assertTrue(refused.output().contains("--name: a display name must not contain control characters"),
                        refused.output());
                assertFalse(Files.exists(qr), "no QR code written");
                assertEquals(0, database.inTransaction(c -> new PostgresRelationshipStore().listOf(c, Login.of("alex"))).size(),
                        "no invitation created");
            }
            InProcessCli.Run accept = cli.run("invite", "accept", "--user", "alex", "--name", "Alex\nDoe", "AAAA");
            assertEquals(1, accept.code(), accept.output());
            assertTrue(accept.output().contains("--name: a display name must not contain control characters"),
                    accept.output());

            InProcessCli.Run created = cli.run("invite", "create", "--user", "alex", "--name", "Alex Doe", "--qr", qr.toString());
            assertEquals(0, created.code(), created.output());
            assertTrue(Files.exists(qr));
        }
    }
}
