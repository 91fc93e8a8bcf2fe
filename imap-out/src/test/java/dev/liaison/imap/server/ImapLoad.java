package dev.liaison.imap.server;

import dev.liaison.imap.delivery.Delivery;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.DatabaseLocation;
import dev.liaison.mapping.database.PoolSettings;
import dev.liaison.mapping.database.TestPostgres;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load tool (not a test): commands per second of a read-mostly mix with several clients against
 * one large mailbox, then the time for mbsync to copy that mailbox. Prints the numbers; see
 * docs/imap.md for the command and the results.
 *
 * <p>Arguments: [messages=10000] [clients=10] [seconds=30] [pool=8]
 */
public final class ImapLoad {

    private ImapLoad() {
    }

    public static void main(String[] args) throws Exception {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        int pool = args.length > 3 ? Integer.parseInt(args[3]) : 8;
        DatabaseLocation.External location = TestPostgres.EMBEDDED.freshLocation();
        durable(location);
        Database database = Database.open(location, new PoolSettings("imap-load", pool, Duration.ofSeconds(10)));
        System.out.printf("%d messages, %d clients, %d s per round, pool of %d connections, synchronous_commit %s%n",
                messages, clients, seconds, pool, setting(database, "synchronous_commit"));
        try (TestImap imap = TestImap.owning(database)) {
            imap.users.put("bench", TestImap.PASSWORD);
            long filled = fill(imap, messages);
            System.out.printf("filled %d messages in %.1f s%n", messages, filled / 1e9);
            for (int round = 1; round <= 2; round++) {
                measure(imap, messages, clients, seconds, round);
            }
            mbsync(imap, messages);
        }
        System.exit(0);
    }

    /**
     * Production commits wait for the WAL flush; the test server lets its sessions skip that
     * (TestPostgres relaxes its role), which would flatter every command that writes. The load's
     * database gets the production setting back (a per-database role setting beats the role's).
     */
    private static void durable(DatabaseLocation.External location) throws Exception {
        String database = location.url().replaceFirst("^.*/([^/?]+)(\\?.*)?$", "$1");
        try (Connection c = DriverManager.getConnection(location.url(), location.user(), location.password());
             Statement s = c.createStatement()) {
            s.execute("ALTER ROLE \"" + location.user() + "\" IN DATABASE " + database + " SET synchronous_commit = on");
        }
    }

    private static String setting(Database database, String name) throws Exception {
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long fill(TestImap imap, int messages) throws Exception {
        long start = System.nanoTime();
        int batch = 500;
        for (int from = 0; from < messages; from += batch) {
            int first = from;
            imap.database.inTransaction(c -> {
                for (int i = first; i < Math.min(first + batch, messages); i++) {
                    ImapService.delivery().deliver(c, new Delivery("bench-" + i, "bench", "INBOX",
                            message(i).getBytes(StandardCharsets.UTF_8), i % 3 == 0, Instant.now()));
                }
                return null;
            });
        }
        return System.nanoTime() - start;
    }

    private static String message(int i) {
        StringBuilder body = new StringBuilder();
        for (int line = 0; line < 40; line++) {
            body.append("Line ").append(line).append(" of message ").append(i).append(": lorem ipsum dolor sit amet.\r\n");
        }
        return "From: Sender " + (i % 50) + " <sender" + (i % 50) + "@example.net>\r\nTo: bench@example.org\r\n"
                + "Subject: benchmark message " + i + "\r\nDate: Tue, 3 Jun 2025 11:05:30 +0200\r\n"
                + "Message-ID: <bench-" + i + "@example.net>\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\n\r\n" + body;
    }

    private static void measure(TestImap imap, int messages, int clients, int seconds, int round) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong commands = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Thread t = new Thread(() -> client(imap, messages, running, commands, failures));
            threads.add(t);
            t.start();
        }
        Thread.sleep(2000); // warm-up: logins and SELECT
        long before = commands.get();
        long start = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long done = commands.get() - before;
        double elapsed = (System.nanoTime() - start) / 1e9;
        running.set(false);
        for (Thread t : threads) {
            t.join();
        }
        System.out.printf("round %d: %d clients, %d commands in %.1f s = %.0f commands/s (%d not OK)%n",
                round, clients, done, elapsed, done / elapsed, failures.get());
        for (int k = 0; k < KINDS.length; k++) {
            long count = COUNTS[k].getAndSet(0);
            long nanos = NANOS[k].getAndSet(0);
            if (count > 0) {
                System.out.printf("  %-22s %7d commands, mean %.2f ms%n", KINDS[k], count, nanos / 1e6 / count);
            }
        }
    }

    private static final String[] KINDS = {"FETCH FLAGS", "FETCH FLAGS", "FETCH FLAGS", "FETCH BODY[HEADER]",
        "FETCH BODY[HEADER]", "FETCH BODY[]", "LIST", "STATUS", "STORE", "NOOP/APPEND"};
    private static final AtomicLong[] COUNTS = new AtomicLong[KINDS.length];
    private static final AtomicLong[] NANOS = new AtomicLong[KINDS.length];

    static {
        for (int i = 0; i < KINDS.length; i++) {
            COUNTS[i] = new AtomicLong();
            NANOS[i] = new AtomicLong();
        }
    }

    /** The mix: of every 10 commands, 3 FETCH FLAGS, 2 FETCH header, 1 FETCH body, 1 LIST, 1 STATUS, 1 STORE, 1 NOOP; APPEND every 20th. */
    private static void client(TestImap imap, int messages, AtomicBoolean running, AtomicLong commands,
                               AtomicLong failures) {
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login("bench");
            c.command("SELECT INBOX");
            ThreadLocalRandom random = ThreadLocalRandom.current();
            String draft = message(-1);
            int n = 0;
            while (running.get()) {
                int msn = 1 + random.nextInt(messages);
                String command = switch (n % 10) {
                    case 0, 1, 2 -> "FETCH " + msn + " (FLAGS)";
                    case 3, 4 -> "FETCH " + msn + " (BODY.PEEK[HEADER])";
                    case 5 -> "FETCH " + msn + " (BODY.PEEK[])";
                    case 6 -> "LIST \"\" \"*\"";
                    case 7 -> "STATUS Archive (MESSAGES UNSEEN UIDNEXT)";
                    case 8 -> "STORE " + msn + (random.nextBoolean() ? " +" : " -") + "FLAGS.SILENT (\\Flagged)";
                    default -> n % 20 == 9 ? "APPEND Drafts {" + draft.length() + "+}\r\n" + draft : "NOOP";
                };
                long began = System.nanoTime();
                List<String> answer = c.command(command);
                COUNTS[n % 10].incrementAndGet();
                NANOS[n % 10].addAndGet(System.nanoTime() - began);
                if (!RawImap.last(answer).contains(" OK")) {
                    failures.incrementAndGet();
                }
                commands.incrementAndGet();
                n++;
            }
        } catch (Exception e) {
            System.err.println("client failed: " + e);
        }
    }

    private static void mbsync(TestImap imap, int messages) throws Exception {
        Path dir = Files.createTempDirectory("imap-load-mbsync");
        Path pem = TestTls.get().pem(dir);
        Files.createDirectories(dir.resolve("mail"));
        Path config = dir.resolve("mbsyncrc");
        Files.writeString(config, String.join("\n", "IMAPAccount bench", "Host 127.0.0.1", "Port " + imap.imapsPort(),
                "User bench", "Pass \"" + TestImap.PASSWORD + "\"", "SSLType IMAPS", "CertificateFile " + pem, "",
                "IMAPStore remote", "Account bench", "", "MaildirStore local", "Path " + dir.resolve("mail") + "/",
                "Inbox " + dir.resolve("mail/INBOX"), "SubFolders Verbatim", "", "Channel bench", "Far :remote:",
                "Near :local:", "Patterns INBOX", "Create Near", "SyncState *", ""));
        for (int run = 1; run <= 2; run++) {
            long start = System.nanoTime();
            Process p = new ProcessBuilder("mbsync", "-q", "-c", config.toString(), "-a").inheritIO().start();
            int exit = p.waitFor();
            System.out.printf("mbsync run %d (%s): %.1f s, exit %d%n", run, run == 1 ? messages + " messages" : "nothing new",
                    (System.nanoTime() - start) / 1e9, exit);
        }
    }
}
