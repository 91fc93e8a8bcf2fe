package dev.liaison.gateway.cli;

import dev.liaison.gateway.admin.Administration;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.TestPostgres;
import dev.liaison.mapping.relationship.PostgresRelationshipStore;
import dev.liaison.mapping.relationship.Relationship;
import dev.liaison.mapping.relationship.RelationshipState;
import dev.liaison.mapping.user.Login;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code liaison relationship …} run as the administrator runs it, on a real database. */
class RelationshipCliTest {

    private static final String DOMAIN = "alex.example";

    @TempDir
    Path dir;

    /**
     * Unblocking what is not blocked is refused like blocking an ended relationship: exit 1 and one
     * line saying why, nothing changed; not exit 4 ("unexpected") with a stack trace's worth of doubt.
     */
    @Test
    void unblockingARelationshipThatIsNotBlockedIsRefusedInOneLine() throws Exception {
        InProcessCli cli = new InProcessCli(TestPostgres.EMBEDDED.freshLocation(), dir, DOMAIN);
        try (Database database = cli.open()) {
            new Administration(database, DOMAIN).addUser(Login.of("alex"), "Alex", "alex-pw".toCharArray());
            assertEquals(0, cli.run("invite", "create", "--user", "alex", "--qr", dir.resolve("qr.png").toString()).code());
            long id = only(database).id();

            InProcessCli.Run refused = cli.run("relationship", "unblock", "--user", "alex", String.valueOf(id));
            assertEquals(1, refused.code(), refused.output());
            assertEquals("liaison: relationship " + id + " is pending, not blocked; nothing to unblock\n",
                    refused.output().replace("\r\n", "\n"));
            assertEquals(RelationshipState.PENDING, only(database).state(), "nothing changed");

            assertEquals(0, cli.run("relationship", "block", "--user", "alex", String.valueOf(id)).code());
            InProcessCli.Run unblocked = cli.run("relationship", "unblock", "--user", "alex", String.valueOf(id));
            assertEquals(0, unblocked.code(), unblocked.output());
            assertEquals(id + " pending\n", unblocked.output().replace("\r\n", "\n"));
        }
    }

    private static Relationship only(Database database) {
        var all = database.inTransaction(c -> new PostgresRelationshipStore().listOf(c, Login.of("alex")));
        assertEquals(1, all.size());
        return all.get(0);
    }
}
