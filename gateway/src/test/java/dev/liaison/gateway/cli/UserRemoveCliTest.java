package dev.liaison.gateway.cli;

import dev.liaison.gateway.admin.Administration;
import dev.liaison.imap.delivery.Delivery;
import dev.liaison.imap.store.PostgresMailboxDelivery;
import dev.liaison.mapping.alias.Alias;
import dev.liaison.mapping.alias.AliasState;
import dev.liaison.mapping.alias.AliasTarget;
import dev.liaison.mapping.alias.DuplicateAliasException;
import dev.liaison.mapping.alias.PostgresAliasStore;
import dev.liaison.mapping.correspondent.LegacyCorrespondentStore;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.TestPostgres;
import dev.liaison.mapping.relationship.PostgresRelationshipStore;
import dev.liaison.mapping.user.Login;
import dev.liaison.mapping.user.UserState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code liaison user remove} run as the administrator runs it, on a real database holding two
 * users: alex, who is removed, and casey, whose data must not change.
 */
class UserRemoveCliTest {

    private static final String DOMAIN = "alex.example";
    private static final Login ALEX = Login.of("alex");
    private static final Login CASEY = Login.of("casey");

    @TempDir
    Path dir;

    private final PostgresAliasStore aliases = new PostgresAliasStore();
    private final PostgresRelationshipStore relationships = new PostgresRelationshipStore();
    private final PostgresMailboxDelivery mailboxes = new PostgresMailboxDelivery(java.time.Clock.systemUTC());

    @Test
    void anActiveUserIsRefusedWithTheCommandThatDisablesThemAndAnUnknownOneIsNamed() throws Exception {
        InProcessCli cli = new InProcessCli(TestPostgres.EMBEDDED.freshLocation(), dir, DOMAIN);
        try (Database database = cli.open()) {
            Administration admin = new Administration(database, DOMAIN);
            admin.addUser(ALEX, "Alex", "alex-pw".toCharArray());
            Alias alias = admin.createAlias(ALEX);

            InProcessCli.Run active = cli.run("user", "remove", "alex", "--yes");
            assertEquals(1, active.code(), active.output());
            assertEquals("liaison: user alex is active; disable them first: liaison user disable alex",
                    lastLine(active), "one line, what to do");
            assertEquals(UserState.ACTIVE, admin.users().get(0).state(), "nothing changed");
            assertEquals(AliasState.ACTIVE, database.inTransaction(c -> aliases.find(c, alias.address())).orElseThrow().state());

            assertEquals(0, cli.run("user", "disable", "alex").code());
            InProcessCli.Run soon = cli.run("user", "remove", "alex", "--yes");
            assertEquals(1, soon.code(), soon.output());
            assertTrue(lastLine(soon).startsWith("liaison: user alex was disabled moments ago; an open IMAP session"),
                    "refused until every session of the user has been checked: " + soon.output());
            assertTrue(lastLine(soon).matches(".* Run this again from \\d\\d:\\d\\d:\\d\\d UTC"), lastLine(soon));
            assertEquals(1, admin.users().size(), "nothing removed");

            InProcessCli.Run unknown = cli.run("user", "remove", "blair", "--yes");
            assertEquals(1, unknown.code(), unknown.output());
            assertTrue(unknown.output().contains("no user 'blair'"), unknown.output());
        }
    }

    @Test
    void withoutYesItSaysWhatWouldGoAndRemovesNothing() throws Exception {
        InProcessCli cli = new InProcessCli(TestPostgres.EMBEDDED.freshLocation(), dir, DOMAIN);
        try (Database database = cli.open()) {
            Administration admin = new Administration(database, DOMAIN);
            admin.addUser(ALEX, "Alex", "alex-pw".toCharArray());
            Alias alias = admin.createAlias(ALEX);
            migrateRelay(cli);
            deliver(database, ALEX, "for alex");
            assertEquals(0, cli.run("user", "disable", "alex").code());
            disabledLongAgo(database, "alex");

            InProcessCli.Run asked = cli.run("user", "remove", "alex");
            assertEquals(1, asked.code(), asked.output());
            assertTrue(asked.output().contains("deletes for good 1 messages, 1 aliases"), asked.output());
            assertTrue(asked.output().contains("nothing was removed. To remove alex, run: liaison user remove alex --yes"),
                    asked.output());
            assertEquals(1, admin.users().size(), "the user is still there");
            assertEquals(1L, count(database, "SELECT count(*) FROM imap.message m JOIN imap.mailbox b"
                    + " ON b.id = m.mailbox_id WHERE b.owner = 'alex'"), "and their mail");
            assertEquals(AliasState.ACTIVE, database.inTransaction(c -> aliases.find(c, alias.address())).orElseThrow().state());
            assertEquals(0L, count(database, "SELECT count(*) FROM mapping.retired_aliases"), "no address retired");
        }
    }

    @Test
    void everythingOfTheRemovedUserGoesAndAnotherUsersDataStays() throws Exception {
        InProcessCli cli = new InProcessCli(TestPostgres.EMBEDDED.freshLocation(), dir, DOMAIN);
        try (Database database = cli.open()) {
            Administration admin = new Administration(database, DOMAIN);
            admin.addUser(ALEX, "Alex", "alex-pw".toCharArray());
            admin.addUser(CASEY, "Casey", "casey-pw".toCharArray());
            migrateRelay(cli);
            List<String> alexAddresses = new ArrayList<>();
            Alias published = admin.createAlias(ALEX, "alex", true);
            alexAddresses.add(published.address().value());
            alexAddresses.add(admin.createAlias(ALEX).address().value());
            Alias caseyAlias = admin.createAlias(CASEY);
            // a pending invitation of alex's: a relationship, its issued invitation and its addresses
            assertEquals(0, cli.run("invite", "create", "--user", "alex", "--name", "Alex",
                    "--qr", dir.resolve("invite.png").toString()).code());
            // a plain-email correspondent who wrote to the published alias, and their alias
            long legacy = database.inTransaction(c -> {
                long id = relationships.create(c, ALEX, "dana@plain.example", new byte[0]).id();
                new LegacyCorrespondentStore().create(c, id, ALEX, "dana@plain.example", Optional.of(published.id()), false);
                new LegacyCorrespondentStore().rememberReceivedId(c,
                        new LegacyCorrespondentStore.Received(id, "n1", "first@plain.example", Optional.empty()));
                // a post dana sent through a mailing list, whose address is kept with its id
                new LegacyCorrespondentStore().rememberReceivedId(c, new LegacyCorrespondentStore.Received(id, "n2",
                        "post@plain.example", Optional.of("dev@lists.example")));
                alexAddresses.add(aliases.create(c, ALEX, dev.liaison.mapping.alias.AliasAddress.of("dana.abcdefghij", DOMAIN),
                        new AliasTarget.Relationship(id)).address().value());
                return id;
            });
            List<Long> alexRelationships = database.inTransaction(c -> relationships.listOf(c, ALEX)).stream()
                    .map(r -> r.id()).toList();
            assertEquals(2, alexRelationships.size());
            deliver(database, ALEX, "for alex");
            deliver(database, ALEX, "for alex again");
            deliver(database, CASEY, "for casey");
            long oldValidity = count(database, "SELECT uid_validity FROM imap.mailbox WHERE owner = 'alex' AND name = 'INBOX'");
            queuePlain(database, "alex", "q-alex");
            queuePlain(database, "casey", "q-casey");
            queueRelayed(database, "alex", "r-alex");
            queueRelayed(database, "casey", "r-casey");
            assertEquals(1L, count(database, "SELECT count(*) FROM relay.issued_invitations"));
            // relationship mail received for alex, not filed yet (the inbound worker's backlog)
            execute(database, "INSERT INTO transport.inbound (envelope_id, envelope, peer, recipient, state)"
                    + " VALUES ('in-alex', '\\x00', '192.0.2.1', ?, 'pending')", alexRelationships.get(0));
            for (String there : new String[]{"SELECT count(*) FROM relay.endpoints", // so that their absence below means something
                    "SELECT count(*) FROM imap.subscription WHERE owner = 'alex'",
                    "SELECT count(*) FROM imap.provisioned WHERE owner = 'alex'",
                    "SELECT count(*) FROM mapping.legacy_received_ids"}) {
                assertTrue(count(database, there) > 0, there);
            }

            assertEquals(0, cli.run("user", "disable", "alex").code());
            disabledLongAgo(database, "alex");
            InProcessCli.Run removed = cli.run("user", "remove", "alex", "--yes");
            assertEquals(0, removed.code(), removed.output());
            assertEquals("removed user alex: 2 messages, 3 aliases (retired: never given to anyone again),"
                    + " 2 relationships still open (0 peers told of the end), 2 queued messages they sent that had not left",
                    lastLine(removed));

            for (String[] gone : new String[][]{
                    {"SELECT count(*) FROM mapping.users WHERE login = 'alex'", "the user"},
                    {"SELECT count(*) FROM mapping.aliases a WHERE a.address LIKE 'alex.%' OR a.address LIKE 'dana.%'", "aliases"},
                    {"SELECT count(*) FROM mapping.relationships WHERE id IN (" + ids(alexRelationships) + ")", "relationships"},
                    {"SELECT count(*) FROM mapping.legacy_correspondents", "correspondents"},
                    {"SELECT count(*) FROM mapping.legacy_received_ids WHERE relationship_id = " + legacy, "their Message-IDs"},
                    {"SELECT count(*) FROM mapping.legacy_received_ids WHERE list_post IS NOT NULL", "lists' posts' ids"},
                    {"SELECT count(*) FROM relay.issued_invitations", "issued invitations"},
                    {"SELECT count(*) FROM relay.endpoints", "addresses that resolve"},
                    {"SELECT count(*) FROM imap.mailbox WHERE owner = 'alex'", "folders"},
                    {"SELECT count(*) FROM imap.subscription WHERE owner = 'alex'", "subscriptions"},
                    {"SELECT count(*) FROM imap.provisioned WHERE owner = 'alex'", "the default folders' mark"},
                    {"SELECT count(*) FROM legacy.outbound_mail WHERE owner = 'alex'", "queued plain email"},
                    {"SELECT count(*) FROM legacy.outbound WHERE envelope_id = 'q-alex'", "queued plain email's row"},
                    {"SELECT count(*) FROM relay.sent_messages WHERE owner = 'alex'", "relayed originals"},
                    {"SELECT count(*) FROM transport.outbound WHERE envelope_id = 'r-alex'", "queued relayed mail"}}) {
                assertEquals(0L, count(database, gone[0]), gone[1] + " of alex must be gone");
            }
            assertEquals(1L, count(database, "SELECT count(*) FROM transport.inbound WHERE envelope_id = 'in-alex'"
                    + " AND state = 'discarded' AND envelope IS NULL AND peer IS NULL AND recipient IS NULL"),
                    "alex's unfiled mail is discarded, its id kept so a resend is ignored");
            assertEquals(3L, count(database, "SELECT count(*) FROM mapping.retired_aliases WHERE address IN ('"
                    + String.join("', '", alexAddresses) + "')"), "every address retired");

            assertEquals(List.of(CASEY), admin.users().stream().map(u -> u.login()).toList());
            assertEquals(AliasState.ACTIVE, database.inTransaction(c -> aliases.find(c, caseyAlias.address())).orElseThrow().state());
            assertEquals(1L, count(database, "SELECT count(*) FROM imap.message m JOIN imap.mailbox b"
                    + " ON b.id = m.mailbox_id WHERE b.owner = 'casey'"), "casey's mail stays");
            assertEquals(1L, count(database, "SELECT count(*) FROM legacy.outbound WHERE envelope_id = 'q-casey' AND state = 'pending'"));
            assertEquals(1L, count(database, "SELECT count(*) FROM transport.outbound WHERE envelope_id = 'r-casey' AND state = 'pending'"));
            assertEquals(1L, count(database, "SELECT count(*) FROM relay.sent_messages WHERE owner = 'casey'"));

            // an alias service never hands an old address to a new person: not to casey, not to a new alex
            for (String address : alexAddresses) {
                assertThrows(DuplicateAliasException.class, () -> database.inTransaction(c -> aliases.create(c, CASEY,
                        dev.liaison.mapping.alias.AliasAddress.parse(address), AliasTarget.OWNER_MAILBOX)), address);
            }

            // a delivery that found alex's alias just before the removal committed files its message just
            // after, making alex's folders again: the old user's mail, under a login no user has
            deliver(database, ALEX, "raced the removal");

            // the login may be given again, to a fresh user who finds nothing of the old one
            admin.addUser(ALEX, "Alex Two", "other-pw".toCharArray());
            assertEquals(List.of(), admin.aliasesOf(ALEX));
            assertEquals(List.of(), database.inTransaction(c -> relationships.listOf(c, ALEX)));
            deliver(database, ALEX, "for the new alex");
            assertEquals(List.of("for the new alex"), subjects(database, "alex"));
            assertTrue(count(database, "SELECT uid_validity FROM imap.mailbox WHERE owner = 'alex' AND name = 'INBOX'")
                    > oldValidity, "a client that kept the old INBOX sees another UIDVALIDITY and drops its copy");
            for (String address : alexAddresses) {
                assertThrows(DuplicateAliasException.class, () -> database.inTransaction(c -> aliases.create(c, ALEX,
                        dev.liaison.mapping.alias.AliasAddress.parse(address), AliasTarget.OWNER_MAILBOX)), address);
            }
        }
    }

    /** The relay's and IMAP's schemas, as any relationship command migrates them. */
    private static void migrateRelay(InProcessCli cli) {
        assertEquals(0, cli.run("relationship", "list", "--user", "alex").code());
        assertEquals(1, cli.run("user", "remove", "nobody").code(), "migrates the plain-email queue's schema");
    }

    private void deliver(Database database, Login owner, String subject) throws Exception {
        byte[] message = ("From: someone@plain.example\r\nTo: " + owner + "@" + DOMAIN + "\r\nSubject: " + subject
                + "\r\nMessage-ID: <" + subject.replace(' ', '.') + "@plain.example>\r\n\r\nbody\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        database.inTransaction(c -> mailboxes.deliver(c, new Delivery("test:" + owner + ":" + subject, owner.value(),
                "INBOX", message, false, Instant.now())));
    }

    private static List<String> subjects(Database database, String owner) throws Exception {
        return database.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT m.content FROM imap.message m JOIN imap.mailbox b"
                    + " ON b.id = m.mailbox_id WHERE b.owner = ? ORDER BY m.uid")) {
                s.setString(1, owner);
                List<String> subjects = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        String text = new String(rs.getBytes(1), StandardCharsets.US_ASCII);
                        int at = text.indexOf("Subject: ") + "Subject: ".length();
                        subjects.add(text.substring(at, text.indexOf("\r\n", at)));
                    }
                }
                return subjects;
            }
        });
    }

    /** A plain email {@code owner} sent, waiting for the recipient's server. */
    private static void queuePlain(Database database, String owner, String envelopeId) throws Exception {
        execute(database, "INSERT INTO legacy.outbound (envelope_id, destination, envelope, state, next_attempt_at,"
                + " expires_at) VALUES (?, 'smtp://plain.example', '\\x00', 'pending', now(), now() + interval '1 day')", envelopeId);
        execute(database, "INSERT INTO legacy.outbound_mail (envelope_id, owner, sender, recipient)"
                + " VALUES (?, '" + owner + "', 'x.abc@" + DOMAIN + "', 'dana@plain.example')", envelopeId);
    }

    /** A message {@code owner} sent to a peer, waiting for the peer's gateway. */
    private static void queueRelayed(Database database, String owner, String envelopeId) throws Exception {
        execute(database, "INSERT INTO transport.outbound (envelope_id, destination, envelope, state, next_attempt_at,"
                + " expires_at) VALUES (?, 'https://peer.example', '\\x00', 'pending', now(), now() + interval '1 day')", envelopeId);
        execute(database, "INSERT INTO relay.sent_messages (submission_key, envelope_id, owner, alias, message)"
                + " VALUES ('k-' || ?, ?, '" + owner + "', 'x', '\\x00')", envelopeId, envelopeId);
    }

    private static void execute(Database database, String sql, Object... parameters) throws Exception {
        database.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                for (int i = 0; i < parameters.length; i++) {
                    s.setObject(i + 1, parameters[i]);
                }
                return s.executeUpdate();
            }
        });
    }

    /** As if the disable was minutes ago: every session of the user has been checked since. */
    private static void disabledLongAgo(Database database, String login) {
        database.inTransaction(c -> {
            try (var s = c.prepareStatement("UPDATE mapping.users SET updated_at = now() - interval '5 minutes'"
                    + " WHERE login = ?")) {
                s.setString(1, login);
                return s.executeUpdate();
            }
        });
    }

    private static long count(Database database, String sql) throws Exception {
        return database.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /** What the command said after the log lines of the schemas it migrated. */
    private static String lastLine(InProcessCli.Run run) {
        String[] lines = run.output().strip().split("\n");
        return lines[lines.length - 1];
    }

    private static String ids(List<Long> ids) {
        return String.join(", ", ids.stream().map(String::valueOf).toList());
    }
}
