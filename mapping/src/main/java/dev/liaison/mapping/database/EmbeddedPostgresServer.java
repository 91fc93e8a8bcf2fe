package dev.liaison.mapping.database;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The embedded PostgreSQL cluster under a data directory, shared safely between processes.
 *
 * <p>One process at a time <em>owns</em> the server: it holds {@code owner.lock} exclusively,
 * started the postmaster and stops it on close. Any other process <em>attaches</em>: it holds
 * {@code clients.lock} shared while it works, and the owner takes that lock exclusively before
 * stopping, so an admin command never loses its database mid-transaction. Two postmasters never
 * open one cluster (PostgreSQL's {@code postmaster.pid} would refuse anyway; this class makes the
 * second process use the first one's server instead of failing).
 *
 * <p>Within one JVM the server is reference-counted, because {@link FileLock}s belong to the
 * whole process and cannot be taken twice.
 *
 * <p>The cluster is created with trust authentication (that is how zonky runs initdb); on first
 * start the owner sets a random superuser password, kept in {@code postgres.secret} (mode 0600),
 * and switches every connection to scram-sha-256, so other local users cannot reach the data.
 * From then on the password is never made again: a missing or wrong {@code postgres.secret} is a
 * {@link PostgresSecretException}, and no server is left running.
 */
public final class EmbeddedPostgresServer {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
    static final String SUPERUSER = "postgres";
    private static final String HARDENED_MARKER = "# liaison: scram-sha-256 only";
    /** In the cluster: the fingerprint of the password it opens with (see {@link #checkFingerprint}). */
    static final String SECRET_FINGERPRINT = "liaison-secret.sha256";
    private static final Map<Path, Handle> IN_THIS_JVM = new HashMap<>();
    private static final String SERVER_OWNER = "server ";
    /** Set by {@link #stopAll}: the process is ending, so no server may start any more. */
    private static volatile boolean ending;

    /** Whether the caller may use a server another process runs, or must run its own. */
    public enum Ownership { SHARED, REQUIRED }

    /** A connection target: loopback port and superuser password. */
    public record Endpoint(int port, String password) {
        public String jdbcUrl(String database) {
            return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
        }

        @Override
        public String toString() {
            return "Endpoint[port=" + port + ", password=<masked>]";
        }
    }

    private EmbeddedPostgresServer() {
    }

    /**
     * Returns the endpoint of the cluster under {@code dataDir}, starting it if nobody runs it.
     * Call {@link #release(Path)} exactly once per successful call.
     */
    public static synchronized Endpoint acquire(Path dataDir, Ownership ownership, Duration wait) {
        Path dir = dataDir.toAbsolutePath().normalize();
        refuseIfEnding(dir);
        Handle handle = IN_THIS_JVM.get(dir);
        if (handle == null) {
            handle = open(dir, ownership, wait);
            IN_THIS_JVM.put(dir, handle);
        } else if (ownership == Ownership.REQUIRED && !handle.owned()) {
            throw new DatabaseUnavailableException("the embedded database in " + dir
                    + " is run by another process; stop it before starting this one");
        }
        handle.references++;
        return handle.endpoint;
    }

    /** Gives back one {@link #acquire}; the last one out stops the server if this process owns it. */
    public static synchronized void release(Path dataDir) {
        Path dir = dataDir.toAbsolutePath().normalize();
        Handle handle = IN_THIS_JVM.get(dir);
        if (handle == null || --handle.references > 0) {
            return;
        }
        IN_THIS_JVM.remove(dir);
        handle.close();
    }

    /**
     * The process is ending (a shutdown hook calls this, after whatever used the database had its
     * chance to close): stops every server this process owns now, in use or not, and refuses to
     * start another. A start under way finishes first (this waits for it, bounded by the server's
     * start-up wait) and is then stopped: a postmaster started by a JVM that exits without
     * stopping it outlives it and holds the data directory, which is what this prevents.
     */
    public static void stopAll() {
        ending = true; // before the lock: a start waiting for another process's server gives up at once
        synchronized (EmbeddedPostgresServer.class) {
            IN_THIS_JVM.forEach((dir, handle) -> {
                boolean owned = handle.owned();
                handle.close();
                if (owned) {
                    LOG.info("Embedded PostgreSQL for {} stopped: the process is ending", dir);
                }
            });
            IN_THIS_JVM.clear();
        }
    }

    private static void refuseIfEnding(Path dir) {
        if (ending) {
            throw new DatabaseUnavailableException("the embedded database in " + dir
                    + " is not started: this process is stopping");
        }
    }

    private static Handle open(Path dir, Ownership ownership, Duration wait) {
        try {
            Files.createDirectories(dir);
            FileChannel ownerFile = FileChannel.open(dir.resolve("owner.lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
            FileChannel clientsFile = FileChannel.open(dir.resolve("clients.lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
            Instant deadline = Instant.now().plus(wait);
            while (true) {
                refuseIfEnding(dir);
                FileLock owner = tryLock(ownerFile, false);
                if (owner != null) {
                    markOwner(ownerFile, ownership);
                    try {
                        return startAsOwner(dir, ownerFile, owner, clientsFile);
                    } catch (IOException | RuntimeException e) {
                        owner.release(); // nothing runs: the next start (in this process too) may own it
                        ownerFile.close();
                        clientsFile.close();
                        throw e;
                    }
                }
                if (ownership == Ownership.SHARED) {
                    Optional<Handle> attached = attach(dir, ownerFile, clientsFile, deadline);
                    if (attached.isPresent()) {
                        return attached.get();
                    }
                } else {
                    refuseIfServed(dir, ownerFile); // a server will not be done in a moment: no use waiting
                    if (Instant.now().isAfter(deadline)) {
                        throw new DatabaseUnavailableException("another Liaison process runs the embedded database in "
                                + dir + "; stop it (or wait for its admin command to finish) and try again");
                    }
                }
                pause();
            }
        } catch (IOException e) {
            throw new DatabaseUnavailableException("cannot use the data directory " + dir + ": "
                    + FileProblems.whyDirectory(e), e);
        }
    }

    /**
     * Writes into the owner's lock file what kind of process holds it: a server holds it until it is
     * stopped, an admin command for a moment. Another server can then refuse at once instead of
     * waiting for a lock that will not come free. (Read without the lock: a new owner that has not
     * written yet shows its predecessor's line, whose process is gone or going, for a moment.)
     */
    private static void markOwner(FileChannel ownerFile, Ownership ownership) throws IOException {
        String line = (ownership == Ownership.REQUIRED ? SERVER_OWNER : "command ") + ProcessHandle.current().pid() + "\n";
        ownerFile.truncate(0);
        ownerFile.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII)), 0);
        ownerFile.force(false);
    }

    private static void refuseIfServed(Path dir, FileChannel ownerFile) throws IOException {
        Optional<Long> server = runningServer(ownerFile);
        if (server.isPresent()) {
            throw new DatabaseUnavailableException("a Liaison server (process " + server.get()
                    + ") already runs the embedded database in " + dir + "; stop it first, or give this one"
                    + " another data directory");
        }
    }

    /** The process id of a live server that holds the lock, if its line says so. */
    private static Optional<Long> runningServer(FileChannel ownerFile) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(64);
        ownerFile.read(buffer, 0);
        String line = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).strip();
        if (!line.startsWith(SERVER_OWNER)) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(line.substring(SERVER_OWNER.length()));
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(ProcessHandle::pid);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Handle startAsOwner(Path dir, FileChannel ownerFile, FileLock owner, FileChannel clientsFile)
            throws IOException {
        Path cluster = dir.resolve("postgres");
        stopOrphanedPostmaster(cluster);
        String password = secret(dir);
        EmbeddedPostgres pg;
        try {
            pg = postmaster(cluster, password, 0);
        } catch (IOException e) {
            // zonky gives up after its start-up wait but leaves the postmaster it started running
            stopFailedPostmaster(cluster);
            if (authenticationFailed(e)) {
                throw PostgresSecretException.mismatch(dir, e);
            }
            throw e;
        }
        Endpoint endpoint = new Endpoint(pg.getPort(), password);
        harden(cluster, endpoint);
        recordFingerprint(cluster, password);
        LOG.info("Embedded PostgreSQL started for {} on 127.0.0.1:{}", dir, endpoint.port());
        Handle handle = new Handle(endpoint, pg, ownerFile, owner, clientsFile, null);
        handle.watch(cluster);
        return handle;
    }

    /** Starts the cluster's postmaster, on {@code port} (0: any free one). */
    private static EmbeddedPostgres postmaster(Path cluster, String password, int port) throws IOException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(cluster)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("max_connections", "200")
                // zonky's builder is made for tests: it starts postgres with -F (fsync off) and
                // synchronous_commit=off, so a commit would return before its WAL is on disk. Every
                // 250 and 202 promises a durable commit: both back on (a later -c wins over -F).
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setConnectConfig("password", password)
                .setPGStartupWait(Duration.ofSeconds(60));
        if (port > 0) {
            builder.setPort(port);
        }
        return builder.start();
    }

    /** The postmaster's process, from the first line of {@code postmaster.pid}. */
    private static Optional<ProcessHandle> postmasterProcess(Path cluster) {
        try {
            List<String> lines = Files.readAllLines(cluster.resolve("postmaster.pid"), StandardCharsets.UTF_8);
            return lines.isEmpty() ? Optional.empty() : ProcessHandle.of(Long.parseLong(lines.get(0).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<Handle> attach(Path dir, FileChannel ownerFile, FileChannel clientsFile, Instant deadline)
            throws IOException {
        FileLock shared = tryLock(clientsFile, true);
        if (shared == null) {
            return Optional.empty(); // the owner is stopping; loop and perhaps become the owner
        }
        FileLock probe = tryLock(ownerFile, false);
        if (probe != null) { // the owner went away between our two looks
            probe.release();
            shared.release();
            return Optional.empty();
        }
        Optional<Integer> port = readyPort(dir.resolve("postgres"));
        if (port.isEmpty()) {
            shared.release();
            if (Instant.now().isAfter(deadline)) {
                throw new DatabaseUnavailableException("another process holds the embedded database in " + dir
                        + " but its server did not become ready; check that process or its log");
            }
            return Optional.empty();
        }
        LOG.debug("Attached to the embedded PostgreSQL of another process on port {}", port.get());
        return Optional.of(new Handle(new Endpoint(port.get(), secret(dir)), null, ownerFile, null, clientsFile, shared));
    }

    /** The port from {@code postmaster.pid} once the server says it is ready (line 4 and 8, PostgreSQL 10+). */
    private static Optional<Integer> readyPort(Path cluster) {
        try {
            List<String> lines = Files.readAllLines(cluster.resolve("postmaster.pid"), StandardCharsets.UTF_8);
            if (lines.size() >= 8 && lines.get(7).trim().equals("ready")) {
                return Optional.of(Integer.parseInt(lines.get(3).trim()));
            }
        } catch (IOException | NumberFormatException e) {
            LOG.trace("postmaster.pid not readable yet", e);
        }
        return Optional.empty();
    }

    /** A postmaster left behind by an owner that was killed still holds the cluster: stop it first. */
    private static void stopOrphanedPostmaster(Path cluster) throws IOException {
        Path pidFile = cluster.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readAllLines(pidFile, StandardCharsets.UTF_8).get(0).trim());
        } catch (RuntimeException e) {
            return; // unreadable: PostgreSQL itself decides whether it is stale
        }
        Optional<ProcessHandle> orphan = ProcessHandle.of(pid)
                .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false));
        if (orphan.isEmpty()) {
            return;
        }
        LOG.warn("Stopping an orphaned embedded PostgreSQL (pid {}) left by a process that did not shut down", pid);
        orphan.get().destroy();
        try {
            orphan.get().onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new DatabaseUnavailableException("an orphaned PostgreSQL (pid " + pid + ") holds " + cluster
                    + " and did not stop within 30 s; stop it by hand", e);
        }
    }

    /**
     * A postmaster zonky started but never saw ready (the password did not open the cluster, or it
     * was too slow): stopped, so that no server is left holding the data directory.
     */
    private static void stopFailedPostmaster(Path cluster) {
        postmasterProcess(cluster).filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false))
                .ifPresent(p -> {
                    p.destroy();
                    try {
                        p.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (Exception e) {
                        LOG.warn("The embedded PostgreSQL (pid {}) that did not start did not stop within 30 s either;"
                                + " stop it by hand", p.pid());
                    }
                });
    }

    /** Whether PostgreSQL refused the password (SQLSTATE 28P01) while zonky waited for it. */
    private static boolean authenticationFailed(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "28P01".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The superuser password, created once: only while the cluster is not yet secured with one (a
     * new data directory, or one whose first start stopped before). A secured cluster opens with
     * its own password only, so a new one would merely lock the gateway out of its database.
     */
    private static String secret(Path dir) throws IOException {
        Path file = dir.resolve("postgres.secret");
        Path cluster = dir.resolve("postgres");
        if (Files.exists(file)) {
            String password = Files.readString(file).trim();
            checkFingerprint(dir, cluster, password);
            return password;
        }
        if (hardened(cluster)) {
            throw PostgresSecretException.missing(dir);
        }
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        Path tmp = Files.createTempFile(dir, "postgres.secret", ".tmp",
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, HexFormat.of().formatHex(random));
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return Files.readString(file).trim();
    }

    /**
     * A {@link PostgresSecretException} at once if the cluster's fingerprint names another password
     * (none: a cluster of an earlier release, found out by the start itself). The fingerprint,
     * SHA-256 of the password, tells nothing of a 192-bit random password; it travels with the
     * cluster, so a data directory restored with another's secret is told before any server starts,
     * rather than after the server's start-up wait.
     */
    private static void checkFingerprint(Path dir, Path cluster, String password) throws IOException {
        Path file = cluster.resolve(SECRET_FINGERPRINT);
        if (Files.exists(file) && !Files.readString(file).trim().equals(fingerprint(password))) {
            throw PostgresSecretException.mismatch(dir, null);
        }
    }

    /** Keeps the password's fingerprint with the cluster it opens (once; an earlier release's cluster gets it now). */
    private static void recordFingerprint(Path cluster, String password) throws IOException {
        Path file = cluster.resolve(SECRET_FINGERPRINT);
        if (!Files.exists(file)) {
            Files.writeString(file, fingerprint(password) + "\n");
        }
    }

    private static String fingerprint(String password) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(("liaison postgres.secret " + password).getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError("SHA-256 is always available", e);
        }
    }

    /** Whether the cluster exists and accepts its password only ({@link #harden} ran). */
    private static boolean hardened(Path cluster) throws IOException {
        Path hba = cluster.resolve("pg_hba.conf");
        return Files.exists(hba) && Files.readString(hba).contains(HARDENED_MARKER);
    }

    /** Sets the superuser password and replaces trust authentication by scram-sha-256 (idempotent). */
    private static void harden(Path cluster, Endpoint endpoint) throws IOException {
        Path hba = cluster.resolve("pg_hba.conf");
        if (hardened(cluster)) {
            return;
        }
        try (Connection c = java.sql.DriverManager.getConnection(endpoint.jdbcUrl("postgres"), SUPERUSER,
                endpoint.password()); Statement s = c.createStatement()) {
            s.execute("SET password_encryption = 'scram-sha-256'");
            s.execute("ALTER ROLE " + SUPERUSER + " PASSWORD '" + endpoint.password() + "'");
            Files.writeString(hba, HARDENED_MARKER + "\n"
                    + "local all all scram-sha-256\n"
                    + "host all all 127.0.0.1/32 scram-sha-256\n"
                    + "host all all ::1/128 scram-sha-256\n");
            s.execute("SELECT pg_reload_conf()");
        } catch (SQLException e) {
            throw new DatabaseUnavailableException("could not secure the embedded database: " + e.getMessage(), e);
        }
    }

    private static FileLock tryLock(FileChannel channel, boolean shared) throws IOException {
        try {
            return channel.tryLock(0, Long.MAX_VALUE, shared);
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatabaseUnavailableException("interrupted while waiting for the embedded database");
        }
    }

    /** What one process holds: either the server itself (owner) or a shared claim on another's. */
    private static final class Handle {
        final Endpoint endpoint;
        volatile EmbeddedPostgres server;
        final FileChannel ownerFile;
        final FileLock ownerLock;
        final FileChannel clientsFile;
        final FileLock clientsLock;
        volatile boolean closing;
        private Thread restarter; // guarded by this
        int references;

        Handle(Endpoint endpoint, EmbeddedPostgres server, FileChannel ownerFile, FileLock ownerLock,
               FileChannel clientsFile, FileLock clientsLock) {
            this.endpoint = endpoint;
            this.server = server;
            this.ownerFile = ownerFile;
            this.ownerLock = ownerLock;
            this.clientsFile = clientsFile;
            this.clientsLock = clientsLock;
        }

        boolean owned() {
            return server != null;
        }

        /**
         * Restarts the postmaster on the same port if it dies under us (killed, out of memory): the
         * process that owns the database would otherwise live on without one, answering 451 and
         * never becoming ready again. PostgreSQL's crash recovery replays the WAL on start, so every
         * commit survives; the pools' connections fail once and reconnect to the same endpoint.
         */
        void watch(Path cluster) {
            Optional<ProcessHandle> process = postmasterProcess(cluster);
            if (process.isEmpty()) {
                LOG.warn("Cannot watch the embedded PostgreSQL of {}: no readable postmaster.pid", cluster);
                return;
            }
            watch(cluster, process.get());
        }

        private void watch(Path cluster, ProcessHandle process) {
            process.onExit().thenRun(() -> {
                synchronized (this) {
                    if (!closing) {
                        restarter = new Thread(() -> restart(cluster, process.pid()), "embedded-postgres-restart");
                        restarter.setDaemon(true);
                        restarter.start();
                    }
                }
            });
        }

        private void restart(Path cluster, long deadPid) {
            if (!gone(deadPid)) {
                rewatch(cluster, deadPid);
                return;
            }
            LOG.error("The embedded PostgreSQL (pid {}) exited unexpectedly; restarting it on port {}", deadPid,
                    endpoint.port());
            try {
                server.close(); // frees zonky's lock on the cluster (its pg_ctl stop fails: nothing to stop)
            } catch (IOException e) {
                LOG.debug("closing the dead postmaster's handle", e);
            }
            for (int attempt = 1; !closing; attempt++) {
                try {
                    // its backends may still hold the shared memory for a moment: start fails until they are gone
                    EmbeddedPostgres restarted = postmaster(cluster, endpoint.password(), endpoint.port());
                    synchronized (this) {
                        if (closing) {
                            restarted.close();
                            return;
                        }
                        server = restarted;
                    }
                    LOG.info("Embedded PostgreSQL restarted on port {} after {} attempt(s)", endpoint.port(), attempt);
                    watch(cluster);
                    return;
                } catch (IOException | RuntimeException e) {
                    if (attempt % 10 == 1) {
                        LOG.warn("Restarting the embedded PostgreSQL failed (attempt {}), retrying: {}", attempt,
                                e.toString());
                    }
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }

        /**
         * The JDK completes a process's onExit also when it can no longer read the process (this
         * one is not our child), e.g. while the JVM is out of file descriptors: a postmaster that
         * still runs is watched again, never restarted over itself.
         */
        private void rewatch(Path cluster, long pid) {
            LOG.warn("The embedded PostgreSQL (pid {}) was reported gone but still runs; watching it again", pid);
            try {
                Thread.sleep(1000); // whatever kept the JDK from reading it may last: look again at this pace
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return;
            }
            Optional<ProcessHandle> process = ProcessHandle.of(pid);
            if (process.isPresent()) {
                watch(cluster, process.get());
            } else {
                restart(cluster, pid); // gone in the meantime
            }
        }

        /**
         * Whether the process has ended, waiting (a second at a time) while that cannot be told:
         * its /proc entry is there but cannot be read. A zombie has ended too.
         */
        private boolean gone(long pid) {
            Path proc = Path.of("/proc", Long.toString(pid));
            if (!Files.isDirectory(Path.of("/proc", "self"))) {
                return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true); // no /proc to ask
            }
            while (!closing) {
                if (!Files.exists(proc)) {
                    return true;
                }
                try {
                    String stat = Files.readString(proc.resolve("stat"));
                    char state = stat.charAt(stat.lastIndexOf(')') + 2);
                    return state == 'Z' || state == 'X';
                } catch (IOException | RuntimeException unreadable) {
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                }
            }
            return false;
        }

        void close() {
            try {
                if (owned()) {
                    FileLock exclusive = waitForClients();
                    Thread restarting;
                    synchronized (this) {
                        closing = true;
                        restarting = restarter;
                    }
                    awaitRestart(restarting);
                    server.close();
                    if (exclusive != null) {
                        exclusive.release();
                    }
                    ownerLock.release();
                } else {
                    clientsLock.release();
                }
                ownerFile.close();
                clientsFile.close();
            } catch (IOException e) {
                LOG.error("Could not stop the embedded PostgreSQL cleanly: {}", e.getMessage(), e);
            }
        }

        /**
         * A restart under way when the owner closes stops the postmaster it started itself; wait
         * for that, so no postmaster outlives its owner's close (bounded by the start-up wait).
         */
        private static void awaitRestart(Thread restarting) {
            if (restarting == null) {
                return;
            }
            try {
                restarting.join(Duration.ofSeconds(90).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (restarting.isAlive()) {
                LOG.warn("The embedded PostgreSQL's restart had not finished after 90 s; closing without it");
            }
        }

        /** Attached admin commands finish their work before the server stops (bounded: 60 s). */
        private FileLock waitForClients() throws IOException {
            Instant deadline = Instant.now().plusSeconds(60);
            while (Instant.now().isBefore(deadline)) {
                FileLock lock = tryLock(clientsFile, false);
                if (lock != null) {
                    return lock;
                }
                pause();
            }
            LOG.warn("Stopping the embedded PostgreSQL while another process still uses it (waited 60 s)");
            return null;
        }
    }
}
