package dev.liaison.imap.server;

import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Independent clients from Debian: mbsync (package isync) and curl. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CommandLineClientsTest {

    private TestImap imap;

    @BeforeAll
    void start() throws Exception {
        imap = TestImap.start(TestPostgres.EMBEDDED);
    }

    @AfterAll
    void stop() {
        imap.close();
    }

    @Test
    void curlFetchesAMessageOverImaps(@TempDir Path dir) throws Exception {
        String message = MailClient.simple("fetched by curl", "curl body line");
        DeliveryHelper.deliver(imap, "alice", "INBOX", message);
        Path pem = TestTls.get().pem(dir);
        Result curl = run(dir, "curl", "--silent", "--show-error", "--cacert", pem.toString(),
                "--user", "alice:" + TestImap.PASSWORD, "imaps://127.0.0.1:" + imap.imapsPort() + "/INBOX;UID=1");
        assertEquals(0, curl.exit, curl.output);
        assertEquals(message, curl.output);
    }

    @Test
    void mbsyncSyncsEveryFolderAndASecondRunHasNothingToDo(@TempDir Path dir) throws Exception {
        imap.users.put("syncer", TestImap.PASSWORD);
        for (int i = 0; i < 5; i++) {
            DeliveryHelper.deliver(imap, "syncer", "INBOX", MailClient.simple("sync me " + i, "body " + i));
        }
        DeliveryHelper.deliver(imap, "syncer", "Archive", MailClient.multipart("archived"));
        Path config = mbsyncConfig(dir);

        Result first = run(dir, "mbsync", "-V", "-c", config.toString(), "-a");
        assertEquals(0, first.exit, first.output);
        assertEquals(5, maildirMessages(dir.resolve("mail/INBOX")));
        assertEquals(1, maildirMessages(dir.resolve("mail/Archive")));
        assertTrue(first.output.contains("far side: 5 messages"), first.output);
        Map<String, String> nearBefore = snapshot(dir.resolve("mail"));
        String farBefore = farState();

        Result second = run(dir, "mbsync", "-V", "-c", config.toString(), "-a");
        assertEquals(0, second.exit, second.output);
        assertFalse(second.output.contains("Creating"), second.output);
        assertEquals(nearBefore, snapshot(dir.resolve("mail")), "the second run changed the local copy");
        assertEquals(farBefore, farState(), "the second run changed the server");
    }

    /** Every folder's UIDVALIDITY, UIDNEXT, size and HIGHESTMODSEQ: any change by a sync changes one of them. */
    private String farState() throws Exception {
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login("syncer");
            StringBuilder state = new StringBuilder();
            for (String folder : List.of("INBOX", "Sent", "Drafts", "Trash", "Junk", "Archive")) {
                state.append(c.command("STATUS " + folder + " (MESSAGES UIDNEXT UIDVALIDITY HIGHESTMODSEQ)").get(0))
                        .append('\n');
            }
            return state.toString();
        }
    }

    private static Map<String, String> snapshot(Path root) throws Exception {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(p).toString(), Integer.toHexString(Arrays.hashCode(Files.readAllBytes(p))));
            }
        }
        return files;
    }

    private Path mbsyncConfig(Path dir) throws Exception {
        Path pem = TestTls.get().pem(dir);
        Files.createDirectories(dir.resolve("mail"));
        Path config = dir.resolve("mbsyncrc");
        Files.writeString(config, String.join("\n",
                "IMAPAccount test",
                "Host 127.0.0.1",
                "Port " + imap.imapsPort(),
                "User syncer",
                "Pass \"" + TestImap.PASSWORD + "\"",
                "SSLType IMAPS",
                "CertificateFile " + pem,
                "",
                "IMAPStore remote",
                "Account test",
                "",
                "MaildirStore local",
                "Path " + dir.resolve("mail") + "/",
                "Inbox " + dir.resolve("mail/INBOX"),
                "SubFolders Verbatim",
                "",
                "Channel test",
                "Far :remote:",
                "Near :local:",
                "Patterns *",
                "Create Near",
                "SyncState *",
                ""));
        return config;
    }

    private static long maildirMessages(Path folder) throws IOException {
        long count = 0;
        for (String sub : List.of("cur", "new")) {
            Path d = folder.resolve(sub);
            if (Files.isDirectory(d)) {
                try (Stream<Path> files = Files.list(d)) {
                    count += files.count();
                }
            }
        }
        return count;
    }

    private record Result(int exit, String output) {
    }

    private static Result run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out: " + command[0]);
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
