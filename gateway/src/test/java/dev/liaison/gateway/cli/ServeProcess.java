package dev.liaison.gateway.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One {@code liaison serve} process whose output is appended to a log file that outlives it, so a
 * gateway killed and started again keeps one log to read when something fails.
 */
final class ServeProcess {

    private static final Duration START_LIMIT = Duration.ofSeconds(120);

    private final Process process;
    private final Path log;
    private final long logOffset;

    private ServeProcess(Process process, Path log, long logOffset) {
        this.process = process;
        this.log = log;
        this.logOffset = logOffset;
    }

    /** Starts {@code builder} and waits until it logs that it is serving. */
    static ServeProcess start(ProcessBuilder builder, Path log) throws Exception {
        ServeProcess served = launch(builder, log);
        served.awaitServing();
        return served;
    }

    /** Starts {@code builder}; {@link #awaitServing()} waits for it (to start several at once). */
    static ServeProcess launch(ProcessBuilder builder, Path log) throws IOException {
        long offset = Files.exists(log) ? Files.size(log) : 0;
        Process p = builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return new ServeProcess(p, log, offset);
    }

    /** Waits (bounded) until it logs that it is serving; fails with its output if it exits first. */
    void awaitServing() throws Exception {
        awaitLog("Liaison serving");
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, as a crash or the OOM killer would: no shutdown hook runs. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError("serve (pid " + pid() + ") survived SIGKILL for 60 s");
        }
    }

    /** SIGTERM, as {@code docker stop} does; the shutdown hook must stop it within a minute. */
    void stop() throws Exception {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("serve did not stop within 60 s of SIGTERM:\n" + output());
        }
    }

    /** What this process wrote so far. */
    String output() throws IOException {
        byte[] all = Files.readAllBytes(log);
        return new String(all, (int) Math.min(logOffset, all.length), (int) Math.max(0, all.length - logOffset),
                StandardCharsets.UTF_8);
    }

    /** Waits (bounded) until it logs {@code needle}; fails with its output if it exits first. */
    void awaitLog(String needle) throws Exception {
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        while (!output().contains(needle)) {
            if (!process.isAlive()) {
                throw new AssertionError("serve exited (" + process.exitValue() + ") before '" + needle + "':\n" + output());
            }
            if (System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new AssertionError("serve did not log '" + needle + "' within " + START_LIMIT + ":\n" + output());
            }
            Thread.sleep(100);
        }
    }
}
