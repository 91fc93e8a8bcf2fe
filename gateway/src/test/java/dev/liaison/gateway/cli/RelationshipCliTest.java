package dev.liaison.gateway.cli;

import dev.liaison.gateway.Bookkeeping;
import dev.liaison.gateway.admin.Administration;
import dev.liaison.gateway.relationship.Invitations;
import dev.liaison.gateway.transport.TestClock;
import dev.liaison.imap.store.PostgresMailboxDelivery;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.TestPostgres;
import dev.liaison.mapping.relationship.PostgresRelationshipStore;
import dev.liaison.mapping.relationship.Relationship;
import dev.liaison.mapping.relationship.RelationshipState;
import dev.liaison.mapping.user.Login;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /**
     * An invitation past its expiry can no longer be accepted: the list says {@code expired}, not
     * {@code pending}, in the table and in {@code --json}; one still valid says {@code pending}.
     */
    @Test
    void anExpiredInvitationListsAsExpired() throws Exception {
        InProcessCli cli = new InProcessCli(TestPostgres.EMBEDDED.freshLocation(), dir, DOMAIN);
        try (Database database = cli.open()) {
            new Administration(database, DOMAIN).addUser(Login.of("alex"), "Alex", "alex-pw".toCharArray());
            InProcessCli.Run created = cli.run("invite", "create", "--user", "alex", "--expires", "1s", "--json",
                    "--qr", dir.resolve("qr.png").toString());
            assertEquals(0, created.code(), created.output());
            Instant expires = Instant.parse(created.output().replaceAll("(?s).*\"expires\":\"([^\"]+)\".*", "$1"));
            long id = only(database).id();
            assertEquals(0, cli.run("invite", "create", "--user", "alex", "--qr", dir.resolve("qr2.png").toString())
                    .code());
            while (!Instant.now().isAfter(expires)) {
                Thread.sleep(100); // waits for the expiry to pass; asserts nothing about how long that took
            }

            InProcessCli.Run table = cli.run("relationship", "list", "--user", "alex");
            assertEquals(0, table.code(), table.output());
            assertTrue(table.output().lines().anyMatch(l -> l.matches(id + "\\s+invited\\s+expired\\s+-")),
                    table.output());
            assertTrue(table.output().lines().anyMatch(l -> l.matches((id + 1) + "\\s+invited\\s+pending\\s+-")),
                    table.output());
            InProcessCli.Run json = cli.run("relationship", "list", "--user", "alex", "--json");
            assertTrue(json.output().contains("{\"id\": " + id + ", \"peer\": \"invited\", \"state\": \"expired\""),
                    json.output());
            assertTrue(json.output().contains("{\"id\": " + (id + 1) + ", \"peer\": \"invited\", \"state\": \"pending\""),
                    json.output());
            assertEquals(RelationshipState.PENDING, database.inTransaction(c -> new PostgresRelationshipStore()
                    .find(c, id)).orElseThrow().state(), "the row is unchanged: a late key agreement may still come");
        }
    }

    /**
     * An ended relationship's alias refuses mail for good: {@code alias list} says {@code ended}
     * (table and {@code --json}), not the {@code active} its row still holds; a blocked one's says
     * {@code blocked}; a live one's {@code active}.
     */
    @Test
    void anEndedRelationshipsAliasListsAsEnded() throws Exception {
        InProcessCli cli = new InProcessCli(TestPostgres.EMBEDDED.freshLocation(), dir, DOMAIN);
        try (Database database = cli.open()) {
            Administration admin = new Administration(database, DOMAIN);
            admin.addUser(Login.of("alex"), "Alex", "alex-pw".toCharArray());
            admin.addUser(Login.of("blair"), "Blair", "blair-pw".toCharArray());
            String[] aliases = new String[2];
            for (int i = 0; i < 2; i++) {
                InProcessCli.Run created = cli.run("invite", "create", "--user", "alex", "--json",
                        "--qr", dir.resolve("qr" + i + ".png").toString());
                String token = created.output().replaceAll("(?s).*\"token\":\"([^\"]+)\".*", "$1");
                InProcessCli.Run accepted = cli.run("invite", "accept", "--user", "blair", token);
                assertEquals(0, accepted.code(), accepted.output());
                aliases[i] = accepted.output().strip();
            }
            assertEquals(0, cli.run("relationship", "end", "--user", "blair", aliases[0]).code());

            InProcessCli.Run table = cli.run("alias", "list", "--user", "blair");
            assertEquals(0, table.code(), table.output());
            assertTrue(table.output().lines().anyMatch(l -> l.matches(java.util.regex.Pattern.quote(aliases[0])
                    + "\\s+blair\\s+relationship\\s+ended")), table.output());
            assertTrue(table.output().lines().anyMatch(l -> l.matches(java.util.regex.Pattern.quote(aliases[1])
                    + "\\s+blair\\s+relationship\\s+active")), table.output());
            InProcessCli.Run json = cli.run("alias", "list", "--json");
            assertTrue(json.output().contains("\"address\": \"" + aliases[0]
                    + "\", \"user\": \"blair\", \"target\": \"relationship\", \"state\": \"ended\""), json.output());

            assertEquals(0, cli.run("relationship", "block", "--user", "blair", aliases[1]).code());
            InProcessCli.Run blocked = cli.run("alias", "list", "--user", "blair", "--json");
            assertTrue(blocked.output().contains("\"address\": \"" + aliases[1]
                    + "\", \"user\": \"blair\", \"target\": \"relationship\", \"state\": \"blocked\""),
                    blocked.output());
        }
    }

    /**
     * An invitation never accepted is forgotten a month after it expired (docs/operations.md,
     * "Retention"): its relationship row, root address and invitation record, whether it was left
     * pending, ended or blocked; one not expired that long stays, and so does every relationship
     * that was established (the acceptor's, with its alias). Before, such rows were kept for good.
     */
    @Test
    void invitationsNeverAcceptedAreForgottenAMonthAfterTheyExpired() throws Exception {
        InProcessCli cli = new InProcessCli(TestPostgres.EMBEDDED.freshLocation(), dir, DOMAIN);
        try (Database database = cli.open()) {
            Administration admin = new Administration(database, DOMAIN);
            admin.addUser(Login.of("alex"), "Alex", "alex-pw".toCharArray());
            admin.addUser(Login.of("blair"), "Blair", "blair-pw".toCharArray());
            String[] tokens = new String[4];
            String[] lifetimes = {"1d", "1d", "1d", "30d"}; // left pending, ended, accepted by blair; still valid
            for (int i = 0; i < tokens.length; i++) {
                InProcessCli.Run created = cli.run("invite", "create", "--user", "alex", "--expires", lifetimes[i],
                        "--json", "--qr", dir.resolve("qr" + i + ".png").toString());
                assertEquals(0, created.code(), created.output());
                tokens[i] = created.output().replaceAll("(?s).*\"token\": ?\"([^\"]+)\".*", "$1");
            }
            long first = relationships(database, "alex").get(0).id();
            assertEquals(0, cli.run("relationship", "end", "--user", "alex", String.valueOf(first + 1)).code());
            assertEquals(0, cli.run("invite", "accept", "--user", "blair", tokens[2]).code());
            long accepted = relationships(database, "blair").get(0).id();

            TestClock clock = new TestClock();
            clock.advance(Duration.ofDays(1).plus(Invitations.EXPIRED_RETENTION).plusHours(1));
            new Bookkeeping(database, new PostgresMailboxDelivery(clock), Duration.ofDays(5), clock).forgetWhenDue();

            // the 30-day one stays; alex's side of the accepted one goes too: its key agreement was never
            // delivered here, and one arriving after the expiry is refused, so it can never become active
            assertEquals(java.util.List.of(first + 3), relationships(database, "alex").stream().map(Relationship::id).toList());
            assertEquals(java.util.List.of(accepted), relationships(database, "blair").stream().map(Relationship::id).toList());
            assertEquals(2L, count(database, "relay.endpoints"), "the root addresses of the two left");
            assertEquals(1L, count(database, "relay.issued_invitations"), "the record of the one left");
            InProcessCli.Run listed = cli.run("relationship", "list", "--user", "alex");
            assertEquals(0, listed.code(), listed.output());
        }
    }

    private static java.util.List<Relationship> relationships(Database database, String login) {
        return database.inTransaction(c -> new PostgresRelationshipStore().listOf(c, Login.of(login)));
    }

    private static long count(Database database, String table) {
        return database.inTransaction(c -> {
            try (var s = c.createStatement(); var rs = s.executeQuery("SELECT count(*) FROM " + table)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private static Relationship only(Database database) {
        var all = database.inTransaction(c -> new PostgresRelationshipStore().listOf(c, Login.of("alex")));
        assertEquals(1, all.size());
        return all.get(0);
    }
}
