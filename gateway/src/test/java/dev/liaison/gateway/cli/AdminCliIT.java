package dev.liaison.gateway.cli;

import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin CLI as a new administrator uses it: the real jar, separate processes. The tests about
 * the embedded default start with a fresh data directory; the others run each command against a
 * fresh database on the test server, so each command is one JVM start, not a PostgreSQL start too.
 */
class AdminCliIT {

    @TempDir
    Path work;
    /** With the embedded default: a fresh ./liaison-data. */
    private LiaisonProcess liaison;
    /** Against a fresh database on the test server. */
    private LiaisonProcess admin;

    @BeforeEach
    void setUp() {
        liaison = new LiaisonProcess(work, Map.of());
        var location = TestPostgres.available().get(0).freshLocation();
        admin = new LiaisonProcess(work, Map.of("LIAISON_DATABASE_URL", location.url(),
                "LIAISON_DATABASE_USER", location.user(), "LIAISON_DATABASE_PASSWORD", location.password()));
    }

    @Test
    void usersAndAliasesSurviveARestartOfTheCommand() throws Exception {
        var added = liaison.runWithInput("pw-for-alex\n", "user", "add", "alex", "--password-stdin",
                "--display-name", "Alex Doe");
        assertEquals(0, added.exitCode(), added.toString());
        assertEquals("added user alex\n", added.stdout());

        var created = liaison.run("alias", "create", "--user", "alex");
        assertEquals(0, created.exitCode(), created.toString());
        String address = created.stdout().trim();
        assertTrue(address.matches("alex\\.[a-z2-7]{10}@localhost"), address);

        var aliases = liaison.run("alias", "list", "--json");
        assertEquals(0, aliases.exitCode(), aliases.toString());
        assertTrue(aliases.stdout().contains("\"address\": \"" + address + "\", \"user\": \"alex\", \"target\": \"mailbox\", \"state\": \"active\""),
                aliases.stdout());

        var users = liaison.run("user", "list", "--json");
        assertTrue(users.stdout().contains("\"login\": \"alex\", \"displayName\": \"Alex Doe\", \"state\": \"active\""),
                users.stdout());
        assertTrue(Files.isDirectory(work.resolve("liaison-data/postgres")), "embedded cluster under ./liaison-data");
    }

    @Test
    void twoProcessesAddingTheSameUserAtOnceOneWinsTheOtherIsToldClearly() throws Exception {
        admin.run("user", "list"); // migrate first, so both race on the insert, not on the schema
        Process a = admin.start("pw-of-dana-a\n", "user", "add", "dana", "--password-stdin");
        Process b = admin.start("pw-of-dana-b\n", "user", "add", "dana", "--password-stdin");
        var results = List.of(admin.finish(a), admin.finish(b));
        assertEquals(1, results.stream().filter(r -> r.exitCode() == 0).count(), results.toString());
        var loser = results.stream().filter(r -> r.exitCode() != 0).findFirst().orElseThrow();
        assertError(loser, 1, "liaison: user 'dana' already exists");
        assertEquals(1, admin.run("user", "list", "--json").stdout().split("\"login\": \"dana\"").length - 1);
    }

    @Test
    void unreachableDatabaseIsReportedWithExitCode3AndVerboseAddsTheStackTrace() throws Exception {
        String url = "--database.url=jdbc:postgresql://127.0.0.1:1/liaison";
        // both wait out the pool's connection timeout, so they run side by side
        Process plain = liaison.start("", "user", "list", url);
        Process verbose = liaison.start("", "user", "list", "--verbose", url);
        var r = liaison.finish(plain);
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.stderr().startsWith("liaison: database unreachable at jdbc:postgresql://127.0.0.1:1/liaison"),
                r.stderr());
        assertFalse(r.stderr().contains("\tat "), r.stderr());
        var v = liaison.finish(verbose);
        assertEquals(3, v.exitCode(), v.toString());
        assertTrue(v.stderr().contains("\tat "), v.stderr());
    }

    @Test
    void commandsUseTheRunningServersDatabaseAndServeSurvivesThem() throws Exception {
        Process serve = liaison.builder("serve", "--smtp.submission.port=0", "--smtp.submissions.port=0", "--smtp.inbound.port=0",
                "--imap.port=0", "--imaps.port=0", "--http.port=0", "--bind-address=127.0.0.1")
                .redirectErrorStream(true).start();
        try {
            waitForLine(serve, "Liaison serving");
            byte[] certificate = Files.readAllBytes(work.resolve("liaison-data/tls/certificate.pem"));
            var second = liaison.run("serve", "--domain=elsewhere.example", "--smtp.submission.port=0",
                    "--smtp.submissions.port=0", "--smtp.inbound.port=0", "--imap.port=0", "--imaps.port=0",
                    "--http.port=0", "--bind-address=127.0.0.1");
            assertEquals(3, second.exitCode(), "the data directory is the running server's: " + second);
            assertTrue(second.stderr().startsWith("liaison: a Liaison server (process " + serve.pid()
                    + ") already runs the embedded database in "), "refused at once, naming the server: " + second);
            assertArrayEquals(certificate, Files.readAllBytes(work.resolve("liaison-data/tls/certificate.pem")),
                    "a refused serve for another domain leaves the running server's certificate alone");
            String pidBefore = Files.readAllLines(work.resolve("liaison-data/postgres/postmaster.pid")).get(0);
            var added = liaison.runWithInput("pw-of-erin-1\n", "user", "add", "erin", "--password-stdin");
            assertEquals(0, added.exitCode(), added.toString());
            assertTrue(serve.isAlive(), "serve keeps running");
            assertEquals(pidBefore, Files.readAllLines(work.resolve("liaison-data/postgres/postmaster.pid")).get(0),
                    "the command attached to the running server instead of starting a second one");
            assertEquals(0, liaison.run("alias", "create", "--user", "erin").exitCode());
        } finally {
            serve.destroy(); // SIGTERM: clean shutdown
            assertTrue(serve.waitFor(60, TimeUnit.SECONDS), "serve stops on SIGTERM");
        }
        assertEquals(0, serve.exitValue(), "a clean stop on SIGTERM is a success (not the JVM's 143)");
        assertFalse(Files.exists(work.resolve("liaison-data/postgres/postmaster.pid")), "PostgreSQL stopped with serve");
        var after = liaison.run("user", "list", "--json");
        assertTrue(after.stdout().contains("\"login\": \"erin\""), after.toString());
    }

    @Test
    void configShowsTheValuesUnsetKeysAreDerivedAsAndChecksTheCertificateFiles() throws Exception {
        var shown = liaison.run("config", "--domain=mail.example");
        assertEquals(0, shown.exitCode(), shown.toString());
        assertTrue(shown.stdout().lines().anyMatch(l -> l.matches("http\\.public-url +https://mail\\.example:8443 +# default,"
                + " derived from domain and http\\.port \\(LIAISON_HTTP_PUBLIC_URL\\)")), shown.stdout());
        assertTrue(shown.stdout().lines().anyMatch(l -> l.matches("tls\\.certificate +" + java.util.regex.Pattern.quote(
                work.resolve("liaison-data/tls/certificate.pem").toString()) + " +# default, derived: self-signed for"
                + " mail\\.example, generated in data-dir \\(LIAISON_TLS_CERTIFICATE\\)")), shown.stdout());
        assertFalse(Files.exists(work.resolve("liaison-data")), "config creates nothing");

        var missing = liaison.run("config", "--tls.certificate=" + work.resolve("nowhere.pem"),
                "--tls.private-key=" + work.resolve("key.pem"));
        assertEquals(2, missing.exitCode(), missing.toString());
        assertEquals("liaison: cannot read the TLS certificate " + work.resolve("nowhere.pem") + " or key "
                + work.resolve("key.pem") + ": " + work.resolve("nowhere.pem") + " does not exist\n", missing.stderr());
        assertTrue(missing.stdout().lines().anyMatch(l -> l.startsWith("tls.certificate ") && l.contains("nowhere.pem")),
                "the table comes first, naming the path that is wrong: " + missing.stdout());
    }

    @Test
    void serveChecksTheCertificateFilesBeforeStartingTheDatabase() throws Exception {
        var r = liaison.run("serve", "--tls.certificate=" + work.resolve("nowhere.pem"),
                "--tls.private-key=" + work.resolve("key.pem"), "--bind-address=127.0.0.1", "--smtp.submission.port=0",
                "--smtp.submissions.port=0", "--smtp.inbound.port=0", "--imap.port=0", "--imaps.port=0", "--http.port=0");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("liaison: cannot read the TLS certificate " + work.resolve("nowhere.pem")),
                r.toString());
        assertFalse(r.stderr().contains("PostgreSQL started"), r.toString());
        assertFalse(Files.exists(work.resolve("liaison-data/postgres")), "no database was started for it");
    }

    /**
     * A listener port another program holds is a configuration error (exit 2), found before the
     * database starts (nothing migrated, no worker started), and named with the key to change.
     */
    @Test
    void aPortInUseIsAConfigurationErrorSaidBeforeTheDatabaseStarts() throws Exception {
        for (String key : List.of("http.port", "imaps.port")) {
            try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                List<String> args = new java.util.ArrayList<>(List.of("serve", "--bind-address=127.0.0.1"));
                for (String port : List.of("smtp.submission.port", "smtp.submissions.port", "smtp.inbound.port",
                        "imap.port", "imaps.port", "http.port")) {
                    args.add("--" + port + "=" + (port.equals(key) ? taken.getLocalPort() : 0));
                }
                var r = liaison.run(args.toArray(String[]::new));
                assertEquals(2, r.exitCode(), "a configuration error, not an unexpected one: " + r);
                assertTrue(r.stderr().contains("liaison: cannot listen on 127.0.0.1:" + taken.getLocalPort() + " for "
                        + key + ": "), r.toString());
                assertFalse(r.stderr().contains("--verbose"), r.toString());
                assertFalse(Files.exists(work.resolve("liaison-data/postgres")), "no database was started for it");
            }
        }
    }

    @Test
    void worksAgainstAnExternalPostgresToo() throws Exception {
        for (TestPostgres postgres : TestPostgres.available()) {
            var location = postgres.freshLocation();
            var external = new LiaisonProcess(work, Map.of("LIAISON_DATABASE_URL", location.url(),
                    "LIAISON_DATABASE_USER", location.user(), "LIAISON_DATABASE_PASSWORD", location.password()));
            var added = external.runWithInput("pw-of-frank-1\n", "user", "add", "frank", "--password-stdin");
            assertEquals(0, added.exitCode(), postgres + ": " + added);
            assertTrue(external.run("user", "list").stdout().contains("frank"));
        }
        assertFalse(Files.exists(work.resolve("liaison-data")), "no embedded database was started");
    }

    private static void assertError(LiaisonProcess.Result r, int code, String line) {
        assertEquals(code, r.exitCode(), r.toString());
        assertEquals(line + "\n", r.stderr(), r.toString());
        assertEquals("", r.stdout(), r.toString());
    }

    /** Reads a process's output until it ends; the stream closing when the process dies ends it too. */
    static void drain(BufferedReader reader) {
        try {
            reader.lines().forEach(l -> { });
        } catch (java.io.UncheckedIOException e) {
            // the process was stopped: nothing more to read
        }
    }

    static void waitForLine(Process p, String needle) throws Exception {
        var reader = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            seen.append(line).append('\n');
            if (line.contains(needle)) {
                Thread t = new Thread(() -> drain(reader));
                t.setDaemon(true);
                t.start();
                return;
            }
        }
        throw new AssertionError("serve exited before '" + needle + "':\n" + seen);
    }
}
