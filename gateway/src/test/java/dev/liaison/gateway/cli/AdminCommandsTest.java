package dev.liaison.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.liaison.mapping.database.TestPostgres;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user and alias commands' answers and errors, run in this JVM against a fresh database (as
 * {@link InProcessCli} runs them: the same code as the jar, without a JVM start per command).
 * What needs a process of its own (the embedded default, two processes racing, the running
 * server's database, stdout and stderr apart) is {@link AdminCliIT}'s.
 */
class AdminCommandsTest {

    private static final String DOMAIN = "admin.example";

    @TempDir
    Path dir;

    private InProcessCli cli;

    @BeforeEach
    void freshDatabase() {
        cli = new InProcessCli(TestPostgres.EMBEDDED.freshLocation(), dir, DOMAIN);
    }

    @Test
    void generatedPasswordIsPrintedOnceAndChangesWithPasswd() {
        var added = cli.run("user", "add", "blair");
        assertEquals(0, added.code(), added.output());
        String first = passwordLine(added.output());
        assertTrue(first.matches("[a-z2-9]{5}(-[a-z2-9]{5}){4}"), first);
        var changed = cli.run("user", "passwd", "blair");
        assertEquals(0, changed.code(), changed.output());
        assertFalse(passwordLine(changed.output()).equals(first));
        assertFalse(cli.run("user", "list").output().contains(first), "a password is never shown again");
    }

    @Test
    void errorsAreOneClearLineWithoutStackTraceAndNonZeroExit() {
        assertEquals(0, cli.runWithInput("x-long-pass\n", "user", "add", "alex", "--password-stdin").code());
        assertError(cli.runWithInput("y-long-pass\n", "user", "add", "alex", "--password-stdin"), 1,
                "liaison: user 'alex' already exists");
        assertError(cli.run("alias", "create", "--user", "nobody"), 1,
                "liaison: no user 'nobody' (see: liaison user list)");
        String rule = "; a login is the local part of the user's address (login@domain): use 1 to 64 lower-case"
                + " letters, digits, '.', '-' or '_', beginning and ending with a letter or digit, without two dots in a row";
        assertError(cli.run("user", "add", "Not Valid"), 1, "liaison: invalid login 'Not Valid': it has upper-case letters" + rule);
        assertError(cli.run("user", "add", ".."), 1, "liaison: invalid login '..': it begins with '.'" + rule);
        assertError(cli.run("user", "add", "--", "-x"), 1, "liaison: invalid login '-x': it begins with '-'" + rule);
        assertError(cli.run("user", "add", "a..b"), 1, "liaison: invalid login 'a..b': it has two dots in a row" + rule);
        assertFalse(cli.run("user", "list").output().contains(".."), "nothing added");
        assertError(cli.run("alias", "disable", "nobody.aaaaaaaaaa@" + DOMAIN + ""), 1,
                "liaison: no alias nobody.aaaaaaaaaa@" + DOMAIN + " (see: liaison alias list)");
        assertError(cli.run("user", "disable", "ghost"), 1, "liaison: no user 'ghost' (see: liaison user list)");
        assertError(cli.runWithInput("", "user", "add", "carol", "--password-stdin"), 1,
                "liaison: no password on stdin (give it as the first line)");
        String tooShort = "liaison: the password on stdin is shorter than 8 characters: choose a longer one,"
                + " or leave out --password-stdin to have one generated";
        assertError(cli.runWithInput("seven77\n", "user", "add", "carol", "--password-stdin"), 1, tooShort);
        assertFalse(cli.run("user", "list").output().contains("carol"), "nothing added");
        assertError(cli.runWithInput("seven77\n", "user", "passwd", "alex", "--password-stdin"), 1, tooShort);
        assertEquals(0, cli.runWithInput("eight-8!\n", "user", "passwd", "alex", "--password-stdin").code(),
                "eight characters are enough");
    }

    @Test
    void aliasLifecycleDisableEnableRemove() {
        cli.runWithInput("x-long-pass\n", "user", "add", "alex", "--password-stdin");
        String address = cli.run("alias", "create", "--user", "alex", "--prefix", "shop").output().trim();
        assertTrue(address.startsWith("shop."), address);
        assertEquals("alias " + address + " is disabled\n", cli.run("alias", "disable", address).output());
        assertEquals("alias " + address + " is active\n", cli.run("alias", "enable", address.toUpperCase()).output());
        assertEquals("alias " + address + " is removed\n", cli.run("alias", "remove", address).output());
        assertError(cli.run("alias", "enable", address), 1,
                "liaison: alias " + address + " was removed and cannot be changed; create a new alias instead");
        assertError(cli.run("alias", "create", "--user", "alex", "--prefix", "Bad_Prefix"), 1,
                "liaison: invalid prefix 'Bad_Prefix': use 1 to 16 lower-case letters, digits or '-', starting and ending with a letter or digit");
    }

    /** One line, the whole of what the command printed, and the exit code: no stack trace. */
    private static void assertError(InProcessCli.Run r, int code, String line) {
        assertEquals(code, r.code(), r.output());
        assertEquals(line + "\n", r.output());
    }

    private static String passwordLine(String output) {
        return output.lines().filter(l -> l.startsWith("password: ")).findFirst().orElseThrow()
                .substring("password: ".length());
    }
}
