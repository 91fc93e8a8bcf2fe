package dev.liaison.gateway.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Waits until nobody else builds or tests on this (shared) machine before a measurement: no Maven,
 * Surefire or Failsafe JVM outside our own working tree and a 1-minute load average below a
 * threshold. Gives up after a deadline and says so, so the report can name the noise.
 */
final class QuietMachine {

    private static final Path PROC = Path.of("/proc");

    private final Path ownTree;
    private final double maxLoad;
    private final Duration maxWait;

    QuietMachine(Path ownTree, double maxLoad, Duration maxWait) {
        this.ownTree = ownTree.toAbsolutePath().normalize();
        this.maxLoad = maxLoad;
        this.maxWait = maxWait;
    }

    /** What the machine looked like when the measurement started. */
    record State(boolean quiet, double load, List<String> others, Duration waited) {
        String describe() {
            return String.format("load %.2f%s%s", load, others.isEmpty() ? "" : ", other builds: " + String.join(" ", others),
                    quiet ? "" : " (NOT QUIET: measured anyway after " + waited.toMinutes() + " min)");
        }
    }

    State await() throws InterruptedException {
        long start = System.nanoTime();
        while (true) {
            double load = loadAverage();
            List<String> others = otherBuilds();
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            boolean quiet = load < maxLoad && others.isEmpty();
            if (quiet || waited.compareTo(maxWait) >= 0) {
                return new State(quiet, load, others, waited);
            }
            System.err.printf("waiting for a quiet machine: load %.2f, other builds %s (%d s so far)%n", load, others,
                    waited.toSeconds());
            Thread.sleep(30_000);
        }
    }

    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(PROC.resolve("loadavg")).split(" ")[0]);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/loadavg: " + e.getMessage(), e);
        }
    }

    /** Maven, Surefire and Failsafe JVMs whose working directory is not in our tree, as "pid:dir". */
    private List<String> otherBuilds() {
        List<String> found = new ArrayList<>();
        try (var entries = Files.newDirectoryStream(PROC, p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path p : entries) {
                try {
                    String cmd = Files.readString(p.resolve("cmdline")).replace('\0', ' ');
                    if (cmd.contains("surefire") || cmd.contains("failsafe") || cmd.contains("maven")) {
                        Path cwd = Files.readSymbolicLink(p.resolve("cwd")).toAbsolutePath().normalize();
                        if (!cwd.startsWith(ownTree)) {
                            found.add(p.getFileName() + ":" + cwd);
                        }
                    }
                } catch (IOException e) {
                    // exited meanwhile
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc: " + e.getMessage(), e);
        }
        return found;
    }
}
