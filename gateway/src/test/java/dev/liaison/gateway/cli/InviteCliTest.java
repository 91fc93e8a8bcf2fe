package dev.liaison.gateway.cli;

import dev.liaison.gateway.admin.Administration;
import dev.liaison.gateway.invitation.InvitationCodec;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.TestPostgres;
import dev.liaison.mapping.relationship.PostgresRelationshipStore;
import dev.liaison.mapping.user.Login;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code liaison invite …} run as the administrator runs it, on a real database. */
class InviteCliTest {

    private static final String DOMAIN = "alex.example";

    @TempDir
    Path dir;

    /** An empty token (a link pasted as nothing, a token cut off at its prefix) is said as such, not as a wire field short of bytes. */
    @Test
    void anEmptyTokenIsRefusedAsEmptyAndNothingIsCreated() throws Exception {
        InProcessCli cli = new InProcessCli(TestPostgres.EMBEDDED.freshLocation(), dir, DOMAIN);
        try (Database database = cli.open()) {
            new Administration(database, DOMAIN).addUser(Login.of("alex"), "Alex", "alex-pw".toCharArray());
            for (String token : new String[]{"", "  ", InvitationCodec.URI_PREFIX}) {
                InProcessCli.Run refused = cli.run("invite", "accept", "--user", "alex", "--", token);
                assertEquals(1, refused.code(), refused.output());
                List<String> lines = refused.output().lines().toList(); // the first run logs the migrations before
                assertEquals("liaison: the invitation token is empty: give the token or the communicator:invitation/…"
                        + " link as the inviter sent it", lines.get(lines.size() - 1), refused.output());
            }
            assertEquals(0, database.inTransaction(c -> new PostgresRelationshipStore().listOf(c, Login.of("alex"))).size());
        }
    }

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

    /**
     * A name longer than a relationship carries is refused in one line saying the limit, not cut
     * short: the other side would see a name the administrator never gave. One at the limit is kept
     * whole, in the invitation as signed.
     */
    @Test
    void aNameLongerThanARelationshipCarriesIsRefusedAndOneAtTheLimitIsKeptWhole() throws Exception {
        InProcessCli cli = new InProcessCli(TestPostgres.EMBEDDED.freshLocation(), dir, DOMAIN);
        try (Database database = cli.open()) {
            new Administration(database, DOMAIN).addUser(Login.of("alex"), "Alex", "alex-pw".toCharArray());
            Path qr = dir.resolve("invite.png");
            String tooLong = "A".repeat(101);
            InProcessCli.Run refused = cli.run("invite", "create", "--user", "alex", "--name", tooLong, "--qr", qr.toString());
            assertEquals(1, refused.code(), refused.output());
            assertEquals("liaison: --name: the name shown in a relationship has at most 100 characters; this one has 101;"
                    + " nothing was created\n", refused.output());
            String wide = "\u00e9".repeat(65); // 65 characters, 130 bytes
            InProcessCli.Run tooWide = cli.run("invite", "create", "--user", "alex", "--name", wide, "--qr", qr.toString());
            assertEquals(1, tooWide.code(), tooWide.output());
            assertEquals("liaison: --name: the name shown in a relationship has at most 128 bytes of UTF-8; this one has 130;"
                    + " nothing was created\n", tooWide.output());
            InProcessCli.Run accept = cli.run("invite", "accept", "--user", "alex", "--name", tooLong, "AAAA");
            assertEquals(1, accept.code(), accept.output());
            assertTrue(accept.output().contains("at most 100 characters"), accept.output());
            assertFalse(Files.exists(qr), "no QR code written");
            assertEquals(0, database.inTransaction(c -> new PostgresRelationshipStore().listOf(c, Login.of("alex"))).size(),
                    "no invitation created");

            String atTheLimit = "B".repeat(100);
            InProcessCli.Run created = cli.run("invite", "create", "--user", "alex", "--name", atTheLimit,
                    "--qr", qr.toString(), "--json");
            assertEquals(0, created.code(), created.output());
            java.util.regex.Matcher token = java.util.regex.Pattern.compile("\"token\": ?\"([^\"]+)\"")
                    .matcher(created.output());
            assertTrue(token.find(), created.output());
            assertEquals(atTheLimit, InvitationCodec.fromToken(token.group(1)).displayName());
        }
    }

    /**
     * A user with no name to show (added without --display-name: the stored name is the login)
     * invites under no name, as plain email's From shows none: not the login (their account), and
     * not a made-up "peer" the other side would show as if the user had chosen it.
     */
    @Test
    void aUserWithNoNameToShowInvitesUnderNoName() throws Exception {
        InProcessCli cli = new InProcessCli(TestPostgres.EMBEDDED.freshLocation(), dir, DOMAIN);
        try (Database database = cli.open()) {
            assertEquals(0, cli.runWithInput("pw-of-alex\n", "user", "add", "alex", "--password-stdin").code());
            InProcessCli.Run created = cli.run("invite", "create", "--user", "alex", "--qr",
                    dir.resolve("invite.png").toString(), "--json");
            assertEquals(0, created.code(), created.output());
            assertEquals("", InvitationCodec.fromToken(token(created)).displayName());
        }
    }

    /**
     * The other side of an invitation without a name: blair's gateway shows alex by the alias alone
     * ("From: <alias>" on the notice that they are connected, "a new contact" in it), not under a
     * made-up "peer" that reads like alex's choice; the relationship list keeps "peer" as its stand-in.
     */
    @Test
    void anInviterWithoutANameIsShownByTheAliasAlone() throws Exception {
        InProcessCli cli = new InProcessCli(TestPostgres.EMBEDDED.freshLocation(), dir, DOMAIN);
        try (Database database = cli.open()) {
            assertEquals(0, cli.runWithInput("pw-of-alex\n", "user", "add", "alex", "--password-stdin").code());
            new Administration(database, DOMAIN).addUser(Login.of("blair"), "Blair", "blair-pw".toCharArray());
            InProcessCli.Run created = cli.run("invite", "create", "--user", "alex", "--qr",
                    dir.resolve("invite.png").toString(), "--json");
            InProcessCli.Run accepted = cli.run("invite", "accept", "--user", "blair", token(created));
            assertEquals(0, accepted.code(), accepted.output());
            String alias = accepted.output().strip();

            String notice = database.inTransaction(c -> {
                try (var s = c.prepareStatement("SELECT m.content FROM imap.message m JOIN imap.mailbox b"
                        + " ON b.id = m.mailbox_id WHERE b.owner = 'blair' AND b.name = 'INBOX'");
                     var rs = s.executeQuery()) {
                    assertTrue(rs.next(), "blair is told of the new relationship");
                    return new String(rs.getBytes(1), java.nio.charset.StandardCharsets.UTF_8);
                }
            });
            assertTrue(notice.contains("\r\nFrom: <" + alias + ">\r\n") || notice.startsWith("From: <" + alias + ">\r\n"),
                    notice);
            assertTrue(notice.contains("connected with a new contact"), notice);
            assertTrue(cli.run("relationship", "list", "--user", "blair").output().contains(" peer "));
        }
    }

    /**
     * A display name within user add's bounds but over the 128 bytes of UTF-8 a relationship
     * carries (65 characters of two bytes), taken by default, is shortened on a character boundary
     * as README says, not an unexpected error (exit 4): the user did not type it for this.
     */
    @Test
    void aDisplayNameOverTheBytesARelationshipCarriesIsShortenedWhenTakenByDefault() throws Exception {
        InProcessCli cli = new InProcessCli(TestPostgres.EMBEDDED.freshLocation(), dir, DOMAIN);
        try (Database database = cli.open()) {
            String wide = "\u00e9".repeat(65); // 65 characters, 130 bytes
            assertEquals(0, cli.runWithInput("pw-of-alex\n", "user", "add", "alex", "--display-name", wide,
                    "--password-stdin").code());
            InProcessCli.Run created = cli.run("invite", "create", "--user", "alex", "--qr",
                    dir.resolve("invite.png").toString(), "--json");
            assertEquals(0, created.code(), created.output());
            assertEquals("\u00e9".repeat(64), InvitationCodec.fromToken(token(created)).displayName());

            assertEquals(0, cli.runWithInput("pw-of-blair\n", "user", "add", "blair", "--display-name", wide,
                    "--password-stdin").code());
            InProcessCli.Run accepted = cli.run("invite", "accept", "--user", "blair", token(created));
            assertEquals(0, accepted.code(), accepted.output());
        }
    }

    private static String token(InProcessCli.Run created) {
        java.util.regex.Matcher token = java.util.regex.Pattern.compile("\"token\": ?\"([^\"]+)\"")
                .matcher(created.output());
        assertTrue(token.find(), created.output());
        return token.group(1);
    }
}
