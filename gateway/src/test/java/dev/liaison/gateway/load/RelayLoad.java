package dev.liaison.gateway.load;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * End-to-end relay benchmark (issue 7): N SMTP sessions submit at the sending side (STARTTLS,
 * AUTH PLAIN, connection kept, MAIL/RCPT/DATA pipelined), each to its pair's address; one IMAP IDLE
 * connection per receiving user notes when each message becomes visible. Latency is "announced by
 * IDLE at the receiver" minus "250 at the sender" (both clocks in this JVM); the Subject carries a
 * run and sequence number. Every message must appear exactly once: a lost or doubled message is
 * reported and makes the tool exit with status 1.
 *
 * <p>Two ways to point it somewhere:
 * <pre>
 * RelayLoad liaison [--jar gateway/target/liaison.jar] [--work DIR] [--pairs 10] [--serve-java-opts "..."] [--hold] [run options]
 *     starts two Liaison gateways (separate serve processes, embedded PostgreSQL each), K relationships
 * RelayLoad client --smtp host:port --imap host:port --ca bundle.pem --pairs-file FILE
 *                  [--watch name=pidfile[+pidfile],...] [run options]
 *     measures anything else the same way (the Postfix → LMTP → Dovecot reference, bench-reference.sh);
 *     FILE: one line per pair "login password from to receiver-login receiver-password"
 * run options: -s 10 (sessions) --sizes 1024,10240,1048576 --messages 5000,5000,200
 *              --unloaded 100 --unloaded-size 10240 --idle 10 (seconds of idle CPU measured after the warm-up)
 *              --warmup 2000 (10 KB messages first, not reported: the JIT compiles for a minute or more)
 *              --warmup-sessions N (default: -s; fewer leave the JIT's compiler threads a share of the machine)
 *              --quiet-wait 20 (minutes; 0: do not wait) --max-load 0.7
 * </pre>
 * Runs, in order: warm-up (not reported); unloaded, one message at a time, timed by IDLE; the same
 * timed by polling STATUS (see {@link IdleWatcher.Mode#POLL}); then one loaded run per size.
 * Resources: CPU seconds and peak memory of each watched process tree (a gateway's JVM with its
 * PostgreSQL; Postfix's or Dovecot's master with its children), sampled from {@code /proc};
 * {@code -Drelayload.threads=true} also prints each run's CPU by thread name;
 * {@code -Drelayload.memory=false} leaves out the peak-memory sampling, which itself loads the machine.
 */
public final class RelayLoad {

    private static final Pattern SUBJECT = Pattern.compile("relay-load r(\\d+) n(\\d+)");
    private static final Duration STALL = Duration.ofSeconds(180);
    private static final boolean THREADS = Boolean.getBoolean("relayload.threads");
    /** -Drelayload.memory=false: no peak-memory sampling (it reads every process's smaps twice a second). */
    private static final boolean MEMORY = !"false".equals(System.getProperty("relayload.memory"));

    /** One sender/receiver pair: who submits, from which address to which, and who receives it. */
    record Pair(String login, String password, String from, String to, String receiver, String receiverPassword) {
    }

    /** Where to submit and watch. */
    record Target(String smtpHost, int smtpPort, String imapHost, int imapPort, SSLContext tls, List<Pair> pairs,
                  List<ProcessTree> trees) {
    }

    /** One measured run's per-message record. */
    static final class Run {
        final int id;
        final int count;
        final int size;
        final long[] accepted;
        final long[] visible;
        final AtomicIntegerArray seen;
        final AtomicInteger delivered = new AtomicInteger();
        final AtomicInteger duplicates = new AtomicInteger();
        final IdleWatcher.Mode seenBy;

        Run(int id, int count, int size, IdleWatcher.Mode seenBy) {
            this.id = id;
            this.seenBy = seenBy;
            this.count = count;
            this.size = size;
            this.accepted = new long[count];
            this.visible = new long[count];
            this.seen = new AtomicIntegerArray(count);
        }

        void appeared(int seq, long nanos) {
            if (seq < 0 || seq >= count) {
                return;
            }
            if (seen.getAndIncrement(seq) == 0) {
                visible[seq] = nanos;
                delivered.incrementAndGet();
                synchronized (this) {
                    notifyAll();
                }
            } else {
                duplicates.incrementAndGet();
            }
        }

        synchronized boolean awaitVisible(int seq, long timeoutMillis) throws InterruptedException {
            long deadline = System.currentTimeMillis() + timeoutMillis;
            while (seen.get(seq) == 0) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    return false;
                }
                wait(left);
            }
            return true;
        }
    }

    private final Target target;
    private final Map<Integer, Run> runs = new ConcurrentHashMap<>();
    private final AtomicInteger foreign = new AtomicInteger();
    private final AtomicInteger nextRun = new AtomicInteger((int) (System.currentTimeMillis() / 1000 % 100_000) * 100);
    private final List<IdleWatcher> watchers = new ArrayList<>();
    private final List<String> table = new ArrayList<>();
    private boolean lostOrDoubled;

    private RelayLoad(Target target) {
        this.target = target;
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || !(args[0].equals("liaison") || args[0].equals("client"))) {
            System.err.println("usage: RelayLoad liaison|client [options] (see the class comment)");
            System.exit(2);
        }
        Options o = new Options(Arrays.copyOfRange(args, 1, args.length));
        boolean ok;
        if (args[0].equals("liaison")) {
            Path work = o.has("--work") ? Path.of(o.get("--work", null)) : Files.createTempDirectory("relay-load");
            List<String> javaOptions = o.get("--serve-java-opts", "").isBlank() ? List.of()
                    : List.of(o.get("--serve-java-opts", "").trim().split("\\s+"));
            try (LiaisonPair gateways = LiaisonPair.start(Path.of(o.get("--jar", "gateway/target/liaison.jar")).toAbsolutePath(),
                    work, javaOptions, Integer.parseInt(o.get("--pairs", "10")))) {
                System.err.println("gateways up in " + work);

                Target t = new Target("127.0.0.1", gateways.a().port("smtp.submission.port"), "127.0.0.1",
                        gateways.b().port("imap.port"), trusting(gateways.bundle()), pairs(gateways.pairsFile()),
                        gateways.trees());
                ok = o.has("--hold") ? hold(work) : new RelayLoad(t).bench(o, "Liaison A → B");
            }
        } else {
            String[] smtp = o.require("--smtp").split(":");
            String[] imap = o.require("--imap").split(":");
            Target t = new Target(smtp[0], Integer.parseInt(smtp[1]), imap[0], Integer.parseInt(imap[1]),
                    trusting(Path.of(o.require("--ca"))), pairs(Path.of(o.require("--pairs-file"))), watched(o.get("--watch", "")));
            ok = new RelayLoad(t).bench(o, o.get("--label", "reference"));
        }
        System.exit(ok ? 0 : 1);
    }

    /** Keeps the gateways up for looking at them by hand, until someone creates {@code work/stop}. */
    private static boolean hold(Path work) throws Exception {
        System.err.println("holding; touch " + work.resolve("stop") + " to stop the gateways");
        while (!Files.exists(work.resolve("stop"))) {
            Thread.sleep(500);
        }
        Files.delete(work.resolve("stop"));
        return true;
    }

    private boolean bench(Options o, String label) throws Exception {
        int sessions = Integer.parseInt(o.get("-s", "10"));
        int[] sizes = ints(o.get("--sizes", "1024,10240,1048576"));
        int[] counts = ints(o.get("--messages", "5000,5000,200"));
        int unloaded = Integer.parseInt(o.get("--unloaded", "100"));
        int unloadedSize = Integer.parseInt(o.get("--unloaded-size", "10240"));
        QuietMachine quiet = new QuietMachine(Path.of(""), Double.parseDouble(o.get("--max-load", "0.7")),
                Duration.ofMinutes(Long.parseLong(o.get("--quiet-wait", "20"))));
        for (Pair p : target.pairs()) {
            watchers.add(IdleWatcher.start(target.imapHost(), target.imapPort(), target.tls(), p.receiver(),
                    p.receiverPassword(), IdleWatcher.Mode.IDLE, this::appeared));
        }
        try {
            System.err.println("warm-up (JIT, pools, TLS): not reported");
            loaded(Integer.parseInt(o.get("--warmup", "2000")), 10240,
                    Integer.parseInt(o.get("--warmup-sessions", String.valueOf(sessions))), null);
            unloaded(20, unloadedSize, IdleWatcher.Mode.IDLE, null);
            idle(Integer.parseInt(o.get("--idle", "10")));
            unloaded(unloaded, unloadedSize, IdleWatcher.Mode.IDLE, quiet.await());
            unloaded(unloaded, unloadedSize, IdleWatcher.Mode.POLL, quiet.await());
            for (int i = 0; i < sizes.length; i++) {
                loaded(counts[i], sizes[i], sessions, quiet.await());
            }
        } finally {
            for (IdleWatcher w : watchers) {
                w.close();
            }
        }
        System.out.println();
        System.out.println("## " + label + " (" + sessions + " sessions, " + target.pairs().size() + " pairs)");
        System.out.println("| run | size | messages | delivered | msgs/s delivered (steady) | msgs/s submitted | p50 | p99 | max"
                + " | CPU s per tree | peak PSS / RSS per tree (MB) | machine |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
        table.forEach(System.out::println);
        if (foreign.get() > 0) {
            System.out.println("(" + foreign.get() + " other messages appeared in the watched mailboxes)");
        }
        return !lostOrDoubled;
    }

    /** {@code count} messages from {@code sessions} sessions as fast as the sender answers. */
    private void loaded(int count, int size, int sessions, QuietMachine.State machine) throws Exception {
        Run run = newRun(count, size, IdleWatcher.Mode.IDLE);
        byte[] body = body(size);
        List<SubmitSession> open = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            Pair p = target.pairs().get(i % target.pairs().size());
            open.add(SubmitSession.open(target.smtpHost(), target.smtpPort(), target.tls(), p.login(), p.password()));
        }
        Resources resources = Resources.start(target.trees());
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(sessions);
        long start = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            Pair p = target.pairs().get(i % target.pairs().size());
            SubmitSession session = open.get(i);
            done.add(pool.submit(() -> {
                for (int seq = next.getAndIncrement(); seq < count; seq = next.getAndIncrement()) {
                    session.send(p.from(), p.to(), message(run, seq, p, body));
                    run.accepted[seq] = System.nanoTime();
                }
                session.close();
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        long submitted = System.nanoTime();
        awaitAll(run);
        report(run, start, submitted, resources.stop(), machine, "loaded");
    }

    /** CPU the servers use with nothing to do (timers, pollers, IDLE connections) over {@code seconds}. */
    private void idle(int seconds) throws Exception {
        if (seconds <= 0) {
            return;
        }
        Resources resources = Resources.start(target.trees());
        Thread.sleep(seconds * 1000L);
        Resources.Usage usage = resources.stop();
        System.err.println("idle " + seconds + " s: " + usage.describe());
        table.add(String.format(Locale.ROOT, "| idle %d s | – | – | – | – | – | – | – | – | %s | %s | – |", seconds,
                usage.cpu(), usage.memory()));
    }

    /** One message at a time: the next is sent once the previous is visible. */
    private void unloaded(int count, int size, IdleWatcher.Mode seenBy, QuietMachine.State machine) throws Exception {
        Run run = newRun(count, size, seenBy);
        byte[] body = body(size);
        Pair p = target.pairs().get(0);
        IdleWatcher poller = seenBy == IdleWatcher.Mode.POLL ? IdleWatcher.start(target.imapHost(), target.imapPort(),
                target.tls(), p.receiver(), p.receiverPassword(), seenBy, this::appeared) : null;
        if (poller != null) {
            watchers.add(poller);
        }
        Resources resources = Resources.start(target.trees());
        long start = System.nanoTime();
        try (SubmitSession session = SubmitSession.open(target.smtpHost(), target.smtpPort(), target.tls(), p.login(),
                p.password())) {
            for (int seq = 0; seq < count; seq++) {
                session.send(p.from(), p.to(), message(run, seq, p, body));
                run.accepted[seq] = System.nanoTime();
                if (!run.awaitVisible(seq, STALL.toMillis())) {
                    break; // reported as missing below
                }
            }
        }
        long submitted = System.nanoTime();
        awaitAll(run);
        Resources.Usage usage = resources.stop();
        if (poller != null) {
            watchers.remove(poller);
            poller.close();
        }
        report(run, start, submitted, usage, machine, seenBy == IdleWatcher.Mode.IDLE ? "unloaded" : "unloaded, STATUS poll");
    }

    private Run newRun(int count, int size, IdleWatcher.Mode seenBy) {
        Run run = new Run(nextRun.incrementAndGet(), count, size, seenBy);
        runs.put(run.id, run);
        return run;
    }

    /** Until every message appeared, or nothing new appeared for {@link #STALL}. */
    private void awaitAll(Run run) throws InterruptedException {
        int last = -1;
        long lastProgress = System.nanoTime();
        while (run.delivered.get() < run.count) {
            int now = run.delivered.get();
            if (now != last) {
                last = now;
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > STALL.toNanos()) {
                for (IdleWatcher w : watchers) {
                    System.err.println("stalled: IDLE watcher " + w.describe());
                }
                return;
            }
            for (IdleWatcher w : watchers) {
                if (w.failure() != null) {
                    throw new IllegalStateException("IDLE watcher of " + w.login() + " failed", w.failure());
                }
            }
            Thread.sleep(50);
        }
        Thread.sleep(1000); // a duplicate would show up right behind its first copy
    }

    private void appeared(String subject, long nanos, IdleWatcher.Mode mode) {
        Matcher m = SUBJECT.matcher(subject);
        Run run = m.find() ? runs.get(Integer.parseInt(m.group(1))) : null;
        if (run == null) {
            foreign.incrementAndGet();
            return;
        }
        if (run.seenBy != mode) {
            return; // a poll run: the IDLE watcher of the same mailbox sees the messages too
        }
        run.appeared(Integer.parseInt(m.group(2)), nanos);
    }

    private void report(Run run, long start, long submitted, Resources.Usage usage, QuietMachine.State machine,
                        String kind) {
        int sent = (int) Arrays.stream(run.accepted).filter(t -> t != 0).count();
        int missing = sent - run.delivered.get(); // accepted with a 250, never seen
        int unsent = run.count - sent; // an unloaded run stops at the first message that does not appear
        int doubled = run.duplicates.get();
        List<Long> latencies = new ArrayList<>();
        List<Long> visibleAt = new ArrayList<>();
        long lastAccepted = start;
        for (int i = 0; i < run.count; i++) {
            if (run.accepted[i] != 0) {
                lastAccepted = Math.max(lastAccepted, run.accepted[i]);
            }
            if (run.seen.get(i) > 0 && run.accepted[i] != 0) {
                latencies.add(run.visible[i] - run.accepted[i]);
                visibleAt.add(run.visible[i]);
            }
        }
        long[] lat = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        long[] vis = visibleAt.stream().mapToLong(Long::longValue).sorted().toArray();
        String line = String.format(Locale.ROOT, "run r%d %s size=%d messages=%d delivered=%d missing=%d duplicates=%d%s",
                run.id, kind, run.size, run.count, run.delivered.get(), missing, doubled,
                unsent > 0 ? " not-sent=" + unsent : "");
        if (machine == null) {
            System.err.println(line + " (warm-up)");
            return;
        }
        // steady state: the rate between the 10th and the 90th percentile of arrival times
        double steady = vis.length < 10 ? Double.NaN
                : (0.8 * vis.length) / ((vis[(int) (vis.length * 0.9)] - vis[(int) (vis.length * 0.1)]) / 1e9);
        double submitRate = run.count / ((lastAccepted - start) / 1e9);
        String p50 = ms(percentile(lat, 0.50));
        String p99 = ms(percentile(lat, 0.99));
        String max = ms(lat.length == 0 ? Double.NaN : lat[lat.length - 1]);
        System.err.printf(Locale.ROOT, "%s steady=%.1f msgs/s submitted=%.1f msgs/s p50=%s p99=%s max=%s %s [%s]%n", line,
                steady, submitRate, p50, p99, max, usage.describe(), machine.describe());
        if (missing > 0 || doubled > 0 || unsent > 0) {
            lostOrDoubled = true;
            System.err.println("ERROR: run r" + run.id + ": " + missing + " accepted messages never appeared (within "
                    + STALL.toSeconds() + " s of the last progress), " + doubled + " appeared more than once, " + unsent
                    + " not sent because an earlier one did not appear");
        }
        table.add(String.format(Locale.ROOT, "| %s | %s | %d | %d%s | %s | %s | %s | %s | %s | %s | %s | %s |", kind,
                size(run.size), run.count, run.delivered.get(),
                missing > 0 || doubled > 0 || unsent > 0
                        ? " (**" + missing + " missing, " + doubled + " doubled, " + unsent + " not sent**)" : "",
                kind.startsWith("unloaded") ? "–" : String.format(Locale.ROOT, "%.0f", steady),
                kind.startsWith("unloaded") ? "–" : String.format(Locale.ROOT, "%.0f", submitRate), p50, p99, max,
                usage.cpu(), usage.memory(), machine.describe()));
    }

    private static double percentile(long[] sorted, double p) {
        return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))];
    }

    private static String ms(double nanos) {
        return Double.isNaN(nanos) ? "–" : String.format(Locale.ROOT, nanos < 1e8 ? "%.1f ms" : "%.0f ms", nanos / 1e6);
    }

    private static String size(int bytes) {
        return bytes >= 1 << 20 ? (bytes >> 20) + " MB" : bytes >= 1024 ? (bytes >> 10) + " KB" : bytes + " B";
    }

    /** The part of every message after its headers ({@link LoadText}): {@code size} octets with the headers. */
    private static byte[] body(int size) {
        int headers = 300; // about what message() puts in front
        return LoadText.appendLines(new StringBuilder(size), size - headers, size).toString()
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static final DateTimeFormatter DATE = DateTimeFormatter.RFC_1123_DATE_TIME;

    private static byte[] message(Run run, int seq, Pair p, byte[] body) {
        String head = "From: <" + p.from() + ">\r\nTo: <" + p.to() + ">\r\nSubject: relay-load r" + run.id + " n" + seq
                + "\r\nMessage-ID: <r" + run.id + "." + seq + "." + System.nanoTime() + "@relay-load.test>\r\nDate: "
                + DATE.format(ZonedDateTime.now()) + "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] m = Arrays.copyOf(h, h.length + body.length);
        System.arraycopy(body, 0, m, h.length, body.length);
        return m;
    }

    private static List<Pair> pairs(Path file) throws Exception {
        List<Pair> pairs = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.trim().split("\\s+");
            if (f.length != 6) {
                throw new IllegalArgumentException(file + ": expected 6 fields, got: " + line);
            }
            pairs.add(new Pair(f[0], f[1], f[2], f[3], f[4], f[5]));
        }
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException(file + " names no pair");
        }
        return pairs;
    }

    /** {@code name=pidfile[+pidfile],...}: each tree's roots from pid files read now (first number in the file). */
    private static List<ProcessTree> watched(String spec) throws Exception {
        List<ProcessTree> trees = new ArrayList<>();
        for (String entry : spec.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            String[] kv = entry.split("=", 2);
            List<Long> roots = new ArrayList<>();
            for (String file : kv[1].split("\\+")) {
                roots.add(Long.parseLong(Files.readString(Path.of(file)).trim().split("\\s+")[0]));
            }
            trees.add(new ProcessTree(kv[0], roots));
        }
        return trees;
    }

    /** A client TLS context trusting every certificate in a PEM bundle. */
    static SSLContext trusting(Path bundle) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(bundle)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            int i = 0;
            for (Certificate c : certificates) {
                trust.setCertificateEntry("peer" + i++, c);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    private static int[] ints(String csv) {
        return Arrays.stream(csv.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    /** CPU and peak memory of the watched trees during one run (samples every 500 ms). */
    private static final class Resources {
        private final List<ProcessTree> trees;
        private final List<ProcessTree.Sample> first = new ArrayList<>();
        private final List<Map<String, Double>> firstThreads = new ArrayList<>();
        private final AtomicLong[] peakPss;
        private final AtomicLong[] peakRss;
        private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "resource-sampler");
            t.setDaemon(true);
            return t;
        });

        private Resources(List<ProcessTree> trees) {
            this.trees = trees;
            this.peakPss = new AtomicLong[trees.size()];
            this.peakRss = new AtomicLong[trees.size()];
            for (int i = 0; i < trees.size(); i++) {
                peakPss[i] = new AtomicLong();
                peakRss[i] = new AtomicLong();
            }
        }

        static Resources start(List<ProcessTree> trees) {
            Resources r = new Resources(trees);
            trees.forEach(t -> r.first.add(t.sample()));
            if (THREADS) {
                trees.forEach(t -> r.firstThreads.add(t.threads()));
            }
            if (MEMORY) { // reading every process's PSS costs the machine being measured (see docs/benchmarks.md)
                r.sampler.scheduleAtFixedRate(r::sample, 0, 500, TimeUnit.MILLISECONDS);
            }
            return r;
        }

        private void sample() {
            for (int i = 0; i < trees.size(); i++) {
                ProcessTree.Sample s = trees.get(i).sample();
                peakPss[i].accumulateAndGet(s.pssBytes(), Math::max);
                peakRss[i].accumulateAndGet(s.rssBytes(), Math::max);
            }
        }

        /** The threads that used most CPU during the run (with -Drelayload.threads=true). */
        private static void printThreads(ProcessTree tree, Map<String, Double> before, Map<String, Double> after) {
            List<Map.Entry<String, Double>> used = new ArrayList<>();
            after.forEach((name, seconds) -> used.add(Map.entry(name, seconds - before.getOrDefault(name, 0.0))));
            used.sort(Map.Entry.<String, Double>comparingByValue().reversed());
            StringBuilder sb = new StringBuilder("  " + tree.name() + " CPU s by thread:");
            used.stream().limit(14).forEach(e -> sb.append(String.format(Locale.ROOT, " %s=%.2f", e.getKey(), e.getValue())));
            System.err.println(sb);
        }

        record Usage(String cpu, String memory) {
            String describe() {
                return "cpu[" + cpu + "] mem[" + memory + "]";
            }
        }

        Usage stop() throws InterruptedException {
            sampler.shutdown();
            sampler.awaitTermination(5, TimeUnit.SECONDS);
            sample();
            List<String> cpu = new ArrayList<>();
            List<String> memory = new ArrayList<>();
            for (int i = 0; i < trees.size(); i++) {
                if (THREADS) {
                    printThreads(trees.get(i), firstThreads.get(i), trees.get(i).threads());
                }
                ProcessTree.Sample last = trees.get(i).sample();
                cpu.add(String.format(Locale.ROOT, "%s %.1f", trees.get(i).name(), last.cpuSeconds() - first.get(i).cpuSeconds()));
                memory.add(String.format(Locale.ROOT, "%s %d / %d", trees.get(i).name(), peakPss[i].get() >> 20,
                        peakRss[i].get() >> 20));
            }
            return new Usage(String.join(", ", cpu), String.join(", ", memory));
        }
    }

    /** {@code -x value} and {@code --x value} options. */
    private record Options(String[] args) {
        String get(String name, String fallback) {
            for (int i = 0; i < args.length - 1; i++) {
                if (args[i].equals(name)) {
                    return args[i + 1];
                }
            }
            return fallback;
        }

        boolean has(String name) {
            return Arrays.asList(args).contains(name);
        }

        String require(String name) {
            String v = get(name, null);
            if (v == null) {
                throw new IllegalArgumentException(name + " is required");
            }
            return v;
        }
    }
}
