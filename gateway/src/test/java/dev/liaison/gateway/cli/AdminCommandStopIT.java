package dev.liaison.gateway.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An admin command that started the embedded PostgreSQL itself (no {@code serve} runs) and is ended
 * by SIGTERM (or Ctrl-C) while it holds the database: the postmaster must stop with it, as with
 * {@code serve}, not outlive it until the next start. The command is held inside its transaction by
 * a QR code file that is a named pipe nobody reads: {@code invite create} blocks writing it, after
 * the database started and before the commit.
 */
class AdminCommandStopIT {

    private static final long PATIENCE_MILLIS = 120_000;

    @TempDir
    Path work;

    @Test
    void aSignalDuringAnAdminCommandStopsTheDatabaseItStartedAndChangesNothing() throws Exception {
        LiaisonProcess liaison = new LiaisonProcess(work, Map.of());
        Path cluster = work.resolve("liaison-data/postgres");
        var added = liaison.runWithInput("pw-of-alex\n", "user", "add", "alex", "--password-stdin");
        assertEquals(0, added.exitCode(), added.toString());
        assertEquals(List.of(), postgresProcessesOf(cluster), "user add stopped its database when it finished");

        Path fifo = work.resolve("qr.png");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor());
        Process invite = liaison.start("", "invite", "create", "--user", "alex", "--qr", fifo.toString());
        try {
            awaitWriting(invite);
            assertFalse(postgresProcessesOf(cluster).isEmpty(), "the command runs the database it started");

            invite.destroy(); // SIGTERM
            assertTrue(invite.waitFor(PATIENCE_MILLIS, TimeUnit.MILLISECONDS), "the command ended");
            assertEquals(List.of(), postgresProcessesOf(cluster), "no PostgreSQL process left on " + cluster
                    + ":\n" + liaison.finish(invite));
            assertFalse(Files.exists(cluster.resolve("postmaster.pid")), "postmaster.pid removed by a clean stop");
        } finally {
            invite.destroyForcibly();
            // without the fix the postmaster outlives the command: not past this test
            postgresProcessesOf(cluster).forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy));
        }

        var listed = liaison.run("relationship", "list", "--user", "alex");
        assertEquals(0, listed.exitCode(), listed.toString());
        assertEquals(1, listed.stdout().lines().count(), "the interrupted invitation was not kept:\n" + listed);
        assertFalse(listed.toString().contains("orphaned"), "the next start found nothing left behind:\n" + listed);
    }

    /**
     * Until a thread of the command waits in the kernel for a reader of the named pipe (Linux:
     * {@code wait_for_partner} in /proc): it is in its transaction, the database started.
     */
    private static void awaitWriting(Process command) throws Exception {
        Path tasks = Path.of("/proc", Long.toString(command.pid()), "task");
        long deadline = System.currentTimeMillis() + PATIENCE_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            if (!command.isAlive()) {
                throw new AssertionError("invite create ended before writing its QR code (exit " + command.exitValue() + ")");
            }
            try (var threads = Files.list(tasks)) {
                if (threads.anyMatch(t -> waitsForReader(t))) {
                    return;
                }
            } catch (IOException gone) {
                // the process is ending: the next round says so
            }
            Thread.sleep(50);
        }
        throw new AssertionError("invite create did not open its QR code file within " + PATIENCE_MILLIS + " ms");
    }

    private static boolean waitsForReader(Path task) {
        try {
            return Files.readString(task.resolve("wchan")).strip().equals("wait_for_partner");
        } catch (IOException threadEnded) {
            return false;
        }
    }

    /** PostgreSQL processes (postmaster and backends alike) whose command line names this cluster. */
    private static List<Long> postgresProcessesOf(Path cluster) {
        String needle = "-D " + cluster;
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(needle)).orElse(false))
                .map(ProcessHandle::pid)
                .toList();
    }
}
