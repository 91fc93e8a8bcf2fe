package dev.liaison.gateway.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code liaison serve} ended by stop signals while it starts: the embedded PostgreSQL it had
 * started must stop with it, or it outlives the JVM and holds the data directory. The signals come
 * at the first moment the postmaster exists (its {@code postmaster.pid} appears), while the start
 * of the database is still under way; the second signal ends the process at once, as Ctrl-C
 * pressed twice does.
 */
class ServeStopDuringStartIT {

    private static final long PATIENCE_MILLIS = 120_000;

    @TempDir
    Path work;

    @Test
    void stopSignalsWhileTheDatabaseStartsStopItAndTheNextStartServes() throws Exception {
        LiaisonProcess liaison = new LiaisonProcess(work, Map.of());
        Path cluster = work.resolve("liaison-data/postgres");
        Path pidFile = cluster.resolve("postmaster.pid");
        Path log = work.resolve("serve.log");

        ServeProcess first = ServeProcess.launch(liaison.builder(serveArguments()), log);
        try {
            long postmaster = awaitPostmaster(first, pidFile);
            ProcessHandle serve = ProcessHandle.of(first.pid()).orElseThrow();
            serve.destroy(); // SIGTERM
            // two signals sent at once may arrive as one: the second goes once the first was taken
            first.awaitLog("SIGTERM received during start-up");
            serve.destroy();
            serve.onExit().get(PATIENCE_MILLIS, TimeUnit.MILLISECONDS);

            String output = first.output();
            assertFalse(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false),
                    "the postmaster (pid " + postmaster + ") stopped with serve:\n" + output);
            assertEquals(List.of(), postgresProcessesOf(cluster), "no PostgreSQL process left on " + cluster);
            assertFalse(Files.exists(pidFile), "postmaster.pid removed by a clean PostgreSQL stop");
            assertTrue(output.contains("Embedded PostgreSQL for " + work.resolve("liaison-data")
                    + " stopped: the process is ending"), "a line says the database was stopped:\n" + output);
        } finally {
            // without the fix the postmaster outlives serve: not past this test
            postgresProcessesOf(cluster).forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy));
        }

        ServeProcess second = ServeProcess.start(liaison.builder(serveArguments()), log);
        second.stop();
        String again = second.output();
        assertFalse(again.contains("orphaned"), "the second start found nothing left behind:\n" + again);
        assertEquals(List.of(), postgresProcessesOf(cluster), "a clean stop leaves none either");
    }

    private static String[] serveArguments() {
        return new String[]{"serve", "--bind-address=127.0.0.1", "--smtp.submission.port=0",
                "--smtp.submissions.port=0", "--smtp.inbound.port=0", "--imap.port=0", "--imaps.port=0",
                "--http.port=0"};
    }

    /** The postmaster's pid, as soon as its postmaster.pid names one (ready or not). */
    private static long awaitPostmaster(ServeProcess serve, Path pidFile) throws Exception {
        long deadline = System.currentTimeMillis() + PATIENCE_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            if (!serve.isAlive()) {
                throw new AssertionError("serve exited before starting its database:\n" + serve.output());
            }
            try {
                List<String> lines = Files.readAllLines(pidFile);
                if (!lines.isEmpty() && !lines.get(0).isBlank()) {
                    return Long.parseLong(lines.get(0).trim());
                }
            } catch (java.io.IOException | NumberFormatException notYet) {
                // not written yet, or half-written
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no postmaster.pid within " + PATIENCE_MILLIS + " ms:\n" + serve.output());
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
