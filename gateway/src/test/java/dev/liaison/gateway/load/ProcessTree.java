package dev.liaison.gateway.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * CPU time and memory of one process and all its descendants, read from {@code /proc} (Linux):
 * a gateway is its JVM plus the embedded PostgreSQL's postmaster and backends; the reference is
 * Postfix's or Dovecot's master and its children.
 *
 * <p>CPU: {@code utime + stime + cutime + cstime} summed over the tree, so a child that exits
 * during a run stays counted (its time moves into its parent's {@code cutime}). Memory: the sum of
 * the processes' RSS counts PostgreSQL's shared buffers once per backend that touched them, so the
 * sum of PSS (shared pages divided among their users, {@code smaps_rollup}) is reported beside it.
 */
final class ProcessTree {

    /** Clock ticks per second of {@code /proc/<pid>/stat} times; 100 on every Linux/x86-64 we run on. */
    private static final double TICKS_PER_SECOND = 100.0;
    private static final Path PROC = Path.of("/proc");

    private final String name;
    private final List<Long> roots;

    /** @param roots the tree's top processes, e.g. a JVM and the postmaster {@code pg_ctl} detached from it */
    ProcessTree(String name, List<Long> roots) {
        this.name = name;
        this.roots = List.copyOf(roots);
    }

    String name() {
        return name;
    }

    /** One reading of the whole tree. */
    record Sample(double cpuSeconds, long rssBytes, long pssBytes, int processes) {
    }

    Sample sample() {
        List<Long> pids = descendantsAndSelf();
        double ticks = 0;
        long rss = 0;
        long pss = 0;
        for (long pid : pids) {
            String[] stat = stat(pid);
            if (stat == null) {
                continue; // exited meanwhile: its time is now in its parent's cutime
            }
            // fields after "(comm)": index 0 is field 3 (state); utime is field 14 → index 11
            ticks += Long.parseLong(stat[11]) + Long.parseLong(stat[12]) + Long.parseLong(stat[13])
                    + Long.parseLong(stat[14]);
            rss += kilobytes(pid, "status", "VmRSS:") * 1024;
            pss += kilobytes(pid, "smaps_rollup", "Pss:") * 1024;
        }
        return new Sample(ticks / TICKS_PER_SECOND, rss, pss, pids.size());
    }

    /**
     * CPU seconds so far by thread name (digits folded, so pools add up) for every thread of every
     * process in the tree — where a gateway's time goes. Threads that ended are not counted.
     */
    Map<String, Double> threads() {
        Map<String, Double> byName = new HashMap<>();
        for (long pid : descendantsAndSelf()) {
            try (var tasks = Files.newDirectoryStream(PROC.resolve(pid + "/task"))) {
                for (Path task : tasks) {
                    String s = Files.readString(task.resolve("stat"));
                    String comm = s.substring(s.indexOf('(') + 1, s.lastIndexOf(')')).replaceAll("[0-9]+", "N");
                    String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
                    double seconds = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
                    byName.merge(comm, seconds, Double::sum);
                }
            } catch (IOException | RuntimeException e) {
                // exited meanwhile
            }
        }
        return byName;
    }

    private List<Long> descendantsAndSelf() {
        Map<Long, List<Long>> children = new HashMap<>();
        try (var entries = Files.newDirectoryStream(PROC, p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path p : entries) {
                long pid = Long.parseLong(p.getFileName().toString());
                String[] stat = stat(pid);
                if (stat != null) {
                    children.computeIfAbsent(Long.parseLong(stat[1]), k -> new ArrayList<>()).add(pid);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc: " + e.getMessage(), e);
        }
        Set<Long> tree = new LinkedHashSet<>(roots);
        List<Long> order = new ArrayList<>(tree);
        for (int i = 0; i < order.size(); i++) {
            for (long child : children.getOrDefault(order.get(i), List.of())) {
                if (tree.add(child)) {
                    order.add(child);
                }
            }
        }
        return order;
    }

    /** The fields of {@code /proc/<pid>/stat} after the command name (which may contain spaces). */
    private static String[] stat(long pid) {
        try {
            String s = Files.readString(PROC.resolve(pid + "/stat"));
            return s.substring(s.lastIndexOf(')') + 2).split(" ");
        } catch (IOException e) {
            return null;
        }
    }

    private static long kilobytes(long pid, String file, String field) {
        try {
            for (String line : Files.readAllLines(PROC.resolve(pid + "/" + file))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // exited meanwhile, or a kernel without smaps_rollup: counts as nothing
        }
        return 0;
    }
}
