package dev.liaison.gateway.load;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
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
 *      --port 587 --ca cert.pem --user alex --password pw --to alias@domain</pre>
 */
public final class SubmissionLoad {

    private final String host;
    private final int port;
    private final SSLContext tls;
    private final String user;
    private final String password;
    private final String to;
    private final byte[] body;

    private SubmissionLoad(String host, int port, SSLContext tls, String user, String password, String to, int size) {
        this.host = host;
        this.port = port;
        this.tls = tls;
        this.user = user;
        this.password = password;
        this.to = to;
        this.body = message(size, to);
    }

    public static void main(String[] args) throws Exception {
        var a = new Args(args);
        var load = new SubmissionLoad(a.get("--host", "127.0.0.1"), Integer.parseInt(a.get("--port", "587")),
                trusting(Path.of(a.get("--ca", "liaison-data/tls/certificate.pem"))), a.get("--user", "alex"),
                a.get("--password", "pw"), a.require("--to"), Integer.parseInt(a.get("-l", "10240")));
        int sessions = Integer.parseInt(a.get("-s", "10"));
        int messages = Integer.parseInt(a.get("-m", "2000"));
        boolean reuse = a.flag("-d");
        load.run(Math.max(1, messages / 20), sessions, reuse, false); // warm-up: JIT, pools, TLS caches
        load.run(messages, sessions, reuse, true);
    }

    private void run(int messages, int sessions, boolean reuse, boolean report) throws Exception {
        AtomicInteger remaining = new AtomicInteger(messages);
        ExecutorService pool = Executors.newFixedThreadPool(sessions);
        List<Future<long[]>> results = new ArrayList<>();
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
            long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf("messages=%d sessions=%d size=%d reuse=%s seconds=%.2f msgs/s=%.0f "
                            + "p50=%.2fms p99=%.2fms%n", sorted.length, sessions, body.length, reuse, seconds,
                    sorted.length / seconds, sorted[sorted.length / 2] / 1e6, sorted[(int) (sorted.length * 0.99)] / 1e6);
        }
    }

    /** Sends messages until none remain; returns each transaction's MAIL-to-250 time in ns. */
    private long[] session(AtomicInteger remaining, boolean reuse) throws IOException {
        long[] latencies = new long[0];
        int n = 0;
        Conversation c = null;
        try {
            while (remaining.getAndDecrement() > 0) {
                if (c == null) {
                    c = connect();
                }
                long t0 = System.nanoTime();
                c.transaction();
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

    private Conversation connect() throws IOException {
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
        String token = Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
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
        void transaction() throws IOException {
            out.write(("MAIL FROM:<" + to + "> SIZE=" + body.length + "\r\nRCPT TO:<" + to + ">\r\nDATA\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            expect(250);
            expect(250);
            expect(354);
            out.write(body);
            out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
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

    /** A message of exactly {@code size} octets (headers included), lines of 76 characters. */
    private static byte[] message(int size, String to) {
        StringBuilder sb = new StringBuilder("From: <" + to + ">\r\nTo: <" + to + ">\r\nSubject: load\r\n\r\n");
        while (sb.length() + 78 <= size) {
            sb.append("x".repeat(76)).append("\r\n");
        }
        while (sb.length() < size - 2) {
            sb.append('y');
        }
        return sb.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static SSLContext trusting(Path certificate) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(certificate)) {
            trust.setCertificateEntry("gw", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
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
