package dev.liaison.gateway.load;

import dev.liaison.gateway.tls.TrustingClients;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A load generator for authenticated SMTP submission, modelled on Postfix's {@code smtp-source}
 * (which cannot drive a submission port: it speaks neither STARTTLS nor AUTH). {@code -s} sessions
 * in parallel send {@code -m} messages of {@code -l} octets in all; with {@code -d} a session keeps
 * its connection for the next message (smtp-source's {@code -d}), otherwise every message pays for
 * a new TCP connection, STARTTLS and AUTH.
 *
 * <pre>java -cp ... dev.liaison.gateway.load.SubmissionLoad -s 10 -m 5000 -l 10240 -d \
 *      --port 587 --ca cert.pem --accounts alex:pw:alex.xxxxxxxxxx@domain,blair:pw:blair.yyyyyyyyyy@domain \
 *      [--warmup 16000] [--pids gateway:1234,postgres:5678] [--body x|words]</pre>
 *
 * <p>The report gives the load generator's own CPU time and, for each {@code --pids} entry, that
 * process's and its descendants' (a postmaster and its backends), over the measured run only.
 */
public final class SubmissionLoad {

    private final String host;
    private final int port;
    private final SSLContext tls;
    private final List<Account> accounts;
    private final int size;
    private final AtomicInteger nextAccount = new AtomicInteger();
    private final List<ProcessTree> servers = new ArrayList<>();

    /** Who a session logs in as and which of that user's aliases it writes to. */
    private record Account(String login, String password, String alias, byte[] dataBlock) {
    }

    private SubmissionLoad(String host, int port, SSLContext tls, List<String[]> accounts, int size, boolean words) {
        this.host = host;
        this.port = port;
        this.tls = tls;
        this.size = size;
        this.accounts = accounts.stream().map(a -> new Account(a[0], a[1], a[2], dataBlock(size, a[2], words))).toList();
    }

    public static void main(String[] args) throws Exception {
        var a = new Args(args);
        // --accounts login:password:alias,... ; session i uses account i modulo their number
        List<String[]> accounts = Arrays.stream(a.require("--accounts").split(",")).map(x -> x.split(":", 3)).toList();
        var load = new SubmissionLoad(a.get("--host", "127.0.0.1"), Integer.parseInt(a.get("--port", "587")),
                TrustingClients.trusting(Path.of(a.get("--ca", "liaison-data/tls/certificate.pem"))), accounts,
                Integer.parseInt(a.get("-l", "10240")), bodyOfWords(a.get("--body", "x")));
        int sessions = Integer.parseInt(a.get("-s", "10"));
        int messages = Integer.parseInt(a.get("-m", "2000"));
        boolean reuse = a.flag("-d");
        // --pids name:pid,...: processes (with their descendants) whose CPU time the report includes
        for (String p : a.get("--pids", "").split(",")) {
            if (!p.isEmpty()) {
                String[] namePid = p.split(":", 2);
                load.servers.add(new ProcessTree(namePid[0], List.of(Long.parseLong(namePid[1]))));
            }
        }
        // Warm-up (JIT of both JVMs, pools, TLS caches), not reported. The servers' C2 compiler
        // competes with the load for the two cores: on this machine the submission server's CPU per
        // message settles only after some 15,000 messages (docs/benchmarks.md), hence --warmup.
        int warmup = Integer.parseInt(a.get("--warmup", String.valueOf(Math.max(1, messages / 20))));
        load.run(warmup, sessions, reuse, false);
        load.run(messages, sessions, reuse, true);
    }

    private void run(int messages, int sessions, boolean reuse, boolean report) throws Exception {
        AtomicInteger remaining = new AtomicInteger(messages);
        ExecutorService pool = Executors.newFixedThreadPool(sessions);
        List<Future<long[]>> results = new ArrayList<>();
        long cpuStart = processCpuNanos();
        double[] serverCpuStart = servers.stream().mapToDouble(t -> t.sample().cpuSeconds()).toArray();
        long start = System.nanoTime();
        for (int i = 0; i < sessions; i++) {
            results.add(pool.submit(() -> session(remaining, reuse)));
        }
        List<Long> latencies = new ArrayList<>();
        for (Future<long[]> f : results) {
            for (long l : f.get()) {
                latencies.add(l);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        if (report) {
            StringBuilder cpu = new StringBuilder();
            for (int i = 0; i < servers.size(); i++) {
                double used = servers.get(i).sample().cpuSeconds() - serverCpuStart[i];
                cpu.append(String.format(" %s_cpu_s=%.1f (%.2f ms/msg)", servers.get(i).name(), used,
                        used * 1000 / messages));
            }
            long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf("messages=%d sessions=%d users=%d size=%d reuse=%s seconds=%.2f msgs/s=%.0f "
                            + "p50=%.2fms p99=%.2fms load_generator_cpu_s=%.1f%s%n", sorted.length, sessions,
                    accounts.size(), size, reuse, seconds, sorted.length / seconds, sorted[sorted.length / 2] / 1e6,
                    sorted[(int) (sorted.length * 0.99)] / 1e6, (processCpuNanos() - cpuStart) / 1e9, cpu);
        }
    }

    /** Sends messages until none remain; returns each transaction's MAIL-to-250 time in ns. */
    private long[] session(AtomicInteger remaining, boolean reuse) throws IOException {
        Account account = accounts.get(nextAccount.getAndIncrement() % accounts.size());
        long[] latencies = new long[0];
        int n = 0;
        Conversation c = null;
        try {
            while (remaining.getAndDecrement() > 0) {
                if (c == null) {
                    c = connect(account);
                }
                long t0 = System.nanoTime();
                c.transaction(account);
                if (n == latencies.length) {
                    latencies = Arrays.copyOf(latencies, Math.max(16, n * 2));
                }
                latencies[n++] = System.nanoTime() - t0;
                if (!reuse) {
                    c.quit();
                    c = null;
                }
            }
        } finally {
            if (c != null) {
                c.quit();
            }
        }
        return Arrays.copyOf(latencies, n);
    }

    private Conversation connect(Account account) throws IOException {
        Socket plain = new Socket();
        plain.setTcpNoDelay(true);
        plain.connect(new InetSocketAddress(host, port));
        Conversation c = new Conversation(plain.getInputStream(), plain.getOutputStream());
        c.expect(220);
        c.command("EHLO load.test", 250);
        c.command("STARTTLS", 220);
        SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(plain, host, port, true);
        secure.startHandshake();
        c = new Conversation(new BufferedInputStream(secure.getInputStream()), secure.getOutputStream());
        c.command("EHLO load.test", 250);
        String token = Base64.getEncoder().encodeToString(("\0" + account.login() + "\0" + account.password())
                .getBytes(StandardCharsets.UTF_8));
        c.command("AUTH PLAIN " + token, 235);
        return c;
    }

    private final class Conversation {
        private final InputStream in;
        private final OutputStream out;

        Conversation(InputStream in, OutputStream out) {
            this.in = in;
            this.out = out;
        }

        /** MAIL, RCPT and DATA pipelined (RFC 2920), then the message and its 250. */
        void transaction(Account account) throws IOException {
            String to = account.alias();
            out.write(("MAIL FROM:<" + to + "> SIZE=" + size + "\r\nRCPT TO:<" + to + ">\r\nDATA\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            expect(250);
            expect(250);
            expect(354);
            out.write(account.dataBlock()); // one write: the message and its end-of-data line
            out.flush();
            expect(250);
        }

        void command(String line, int code) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            expect(code);
        }

        void quit() throws IOException {
            command("QUIT", 221);
        }

        void expect(int code) throws IOException {
            while (true) {
                String line = readLine();
                if (!line.startsWith(String.valueOf(code))) {
                    throw new IOException("expected " + code + ", got: " + line);
                }
                if (line.length() < 4 || line.charAt(3) != '-') {
                    return;
                }
            }
        }

        private String readLine() throws IOException {
            StringBuilder sb = new StringBuilder();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("connection closed");
                }
                if (b != '\r') {
                    sb.append((char) b);
                }
            }
            return sb.toString();
        }
    }

    /**
     * A message of exactly {@code size} octets (headers included): lines of 76 {@code x}, or of up to
     * 76 characters of words ({@link LoadText}), then the end-of-data line; sent in one write, as
     * smtp-source's buffered stream does.
     */
    private static byte[] dataBlock(int size, String to, boolean words) {
        StringBuilder sb = new StringBuilder("From: <" + to + ">\r\nTo: <" + to + ">\r\nSubject: load\r\n\r\n");
        if (words) {
            LoadText.appendLines(sb, size, size);
        }
        while (sb.length() + 78 <= size) {
            sb.append("x".repeat(76)).append("\r\n");
        }
        while (sb.length() < size - 2) {
            sb.append('y');
        }
        return sb.append("\r\n.\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }


    /** {@code x}: lines of one letter, as the earlier runs in docs/benchmarks.md sent; {@code words}: text. */
    private static boolean bodyOfWords(String body) {
        return switch (body) {
            case "x" -> false;
            case "words" -> true;
            default -> throw new IllegalArgumentException("--body is x or words, not " + body);
        };
    }

    /** This JVM's CPU time (all threads), so a run can say what the load generator itself cost. */
    private static long processCpuNanos() {
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
    }

    /** {@code -x value} and {@code --x value} options, and bare flags. */
    private record Args(String[] args) {
        String get(String name, String fallback) {
            for (int i = 0; i < args.length - 1; i++) {
                if (args[i].equals(name)) {
                    return args[i + 1];
                }
            }
            return fallback;
        }

        String require(String name) {
            String v = get(name, null);
            if (v == null) {
                throw new IllegalArgumentException(name + " is required");
            }
            return v;
        }

        boolean flag(String name) {
            return Arrays.asList(args).contains(name);
        }
    }
}
