package dev.liaison.gateway.load;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Watches one user's INBOX over IMAP IDLE (RFC 2177) and reports, for every message that appears,
 * its Subject and the moment the server announced it ({@code * n EXISTS}). Raw protocol over
 * STARTTLS rather than a mail library, so the time taken is the moment the line was read and no
 * library thread or cache sits in between.
 *
 * <p>Cycle: IDLE until the message count grows, DONE, FETCH the new messages' Subject fields, IDLE
 * again. Messages that arrive while the FETCH runs are announced in its untagged responses and
 * timed when those are read. Messages already in the mailbox at the start are not reported.
 */
final class IdleWatcher implements AutoCloseable {

    /** Receives each new message of the mailbox exactly as often as the mailbox holds it. */
    interface Sink {
        void appeared(String subject, long announcedNanos, Mode mode);
    }

    /**
     * How new messages are noticed. {@code IDLE}: what a mail client does, and what the benchmark
     * reports. {@code POLL}: {@code STATUS INBOX (UIDNEXT)} every {@value #POLL_MILLIS} ms from a
     * connection with no mailbox selected, which sees a message as soon as the server's store has
     * it — for servers that hold IDLE notifications back on purpose (Dovecot waits 500 ms after a
     * change before it looks, {@code NOTIFY_DELAY_MSECS} in its index-mailbox-check.c), to tell that
     * wait from the delivery's own latency. STATUS rather than NOOP because a NOOP answer depends on
     * the server's change notifications, the thing being avoided (and Liaison's NOOP misses some,
     * see docs/benchmarks.md); UIDNEXT rather than MESSAGES because Liaison counts the mailbox for
     * MESSAGES, which would load the server being measured. New messages are then read by UID with
     * EXAMINE, UID FETCH, CLOSE. Costs the server a few percent of a core while it runs.
     */
    enum Mode { IDLE, POLL }

    private static final Pattern EXISTS = Pattern.compile("^\\* (\\d+) EXISTS", Pattern.CASE_INSENSITIVE);
    private static final Pattern UIDNEXT = Pattern.compile("^\\* STATUS .*\\(UIDNEXT (\\d+)\\)", Pattern.CASE_INSENSITIVE);
    private static final Pattern UID = Pattern.compile("[( ]UID (\\d+)", Pattern.CASE_INSENSITIVE);
    private static final int POLL_MILLIS = 2;
    private static final Pattern FETCH = Pattern.compile("^\\* (\\d+) FETCH", Pattern.CASE_INSENSITIVE);
    private static final Pattern LITERAL = Pattern.compile("\\{(\\d+)\\+?}$");
    private static final Pattern SUBJECT = Pattern.compile("(?im)^Subject:[ \\t]*(.*)$");

    private final String login;
    private final Mode mode;
    private final Sink sink;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Thread reader;
    private volatile boolean closing;
    private volatile Exception failure;
    private int tag;
    /** Highest sequence number announced, and up to which the Subjects were fetched. */
    private int exists;
    private int fetched;
    /** When each sequence number was announced (index = sequence number). */
    private long[] announced = new long[1024];
    /** POLL: the next UID not yet reported, and the UIDNEXT the last STATUS gave with its time. */
    private long reportedUidNext;
    private long statusUidNext;
    private long statusAt;
    /** For the stall report: what the watcher waits for, and the last responses it read. */
    private volatile String waitingFor = "nothing";
    private final String[] lastResponses = new String[8];
    private int responsesRead;

    private IdleWatcher(String login, Mode mode, Sink sink, Socket socket, InputStream in, OutputStream out) {
        this.login = login;
        this.mode = mode;
        this.sink = sink;
        this.socket = socket;
        this.in = in;
        this.out = out;
        this.reader = new Thread(this::watch, "idle-" + login);
        this.reader.setDaemon(true);
    }

    /** Connects, logs in, selects INBOX and starts watching; new messages from now on are reported. */
    static IdleWatcher start(String host, int port, SSLContext tls, String login, String password, Mode mode, Sink sink)
            throws IOException {
        Socket plain = new Socket();
        plain.setTcpNoDelay(true);
        plain.connect(new InetSocketAddress(host, port), 10_000);
        InputStream plainIn = new BufferedInputStream(plain.getInputStream());
        IdleWatcher clear = new IdleWatcher(login, mode, sink, plain, plainIn, plain.getOutputStream());
        clear.readResponse(); // greeting
        clear.command("STARTTLS");
        SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(plain, host, port, true);
        secure.startHandshake();
        IdleWatcher w = new IdleWatcher(login, mode, sink, secure, new BufferedInputStream(secure.getInputStream(), 65536),
                secure.getOutputStream());
        w.tag = clear.tag;
        w.command("LOGIN " + quoted(login) + " " + quoted(password));
        w.command(mode == Mode.IDLE ? "SELECT INBOX" : "STATUS INBOX (UIDNEXT)");
        w.fetched = w.exists;
        w.reportedUidNext = w.statusUidNext;
        w.reader.start();
        return w;
    }

    private void watch() {
        try {
            while (!closing) {
                if (mode == Mode.POLL) {
                    poll();
                    continue;
                }
                if (exists > fetched) {
                    fetchNew();
                    continue;
                }
                String idle = nextTag();
                waitingFor = "EXISTS in " + idle + " IDLE";
                send(idle + " IDLE");
                String line;
                do {
                    line = readResponse();
                } while (!line.startsWith("+"));
                while (exists <= fetched) {
                    readResponse();
                }
                send("DONE");
                do {
                    line = readResponse();
                } while (!line.startsWith(idle + " "));
            }
        } catch (Exception e) {
            if (!closing) {
                failure = e;
            }
        }
    }

    private void fetchNew() throws IOException {
        int to = exists;
        command("FETCH " + (fetched + 1) + ":" + to + " (BODY.PEEK[HEADER.FIELDS (SUBJECT)])");
        fetched = to;
    }

    private void poll() throws IOException, InterruptedException {
        command("STATUS INBOX (UIDNEXT)");
        if (statusUidNext > reportedUidNext) {
            long before = reportedUidNext;
            command("EXAMINE INBOX");
            command("UID FETCH " + before + ":* (UID BODY.PEEK[HEADER.FIELDS (SUBJECT)])");
            command("CLOSE"); // read-only: expunges nothing
            reportedUidNext = Math.max(reportedUidNext, statusUidNext);
        } else {
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** POLL: a message found by UID FETCH; timed by the STATUS that first showed its UID. */
    private void polled(String fetch) {
        Matcher uid = UID.matcher(fetch);
        if (!uid.find()) {
            return;
        }
        long u = Long.parseLong(uid.group(1));
        if (u < reportedUidNext) {
            return; // "n:*" names the last message even when n is beyond it (RFC 3501 6.4.8)
        }
        reportedUidNext = u + 1;
        long at = u < statusUidNext ? statusAt : System.nanoTime(); // arrived after that STATUS: now
        Matcher subject = SUBJECT.matcher(fetch);
        sink.appeared(subject.find() ? subject.group(1).trim() : "", at, mode);
    }

    /** Why the watcher stopped before it was closed, if it did. */
    Exception failure() {
        return failure;
    }

    String login() {
        return login;
    }

    /** Where the watcher stands, for a run that stalled: a stuck client and a silent server look alike. */
    synchronized String describe() {
        StringBuilder d = new StringBuilder(login + " (" + mode + "): exists=" + exists + " fetched=" + fetched
                + " waiting for " + waitingFor + "; last responses:");
        for (int i = Math.max(0, responsesRead - lastResponses.length); i < responsesRead; i++) {
            d.append("\n    ").append(lastResponses[i % lastResponses.length]);
        }
        return d.toString();
    }

    private void command(String command) throws IOException {
        String t = nextTag();
        waitingFor = t + " " + command;
        send(t + " " + command);
        while (true) {
            String line = readResponse();
            if (line.startsWith(t + " ")) {
                if (!line.startsWith(t + " OK")) {
                    throw new IOException(login + ": " + command.split(" ")[0] + " failed: " + line);
                }
                return;
            }
        }
    }

    private String nextTag() {
        return "w" + (++tag);
    }

    private void send(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** One response line with its literals inlined; EXISTS and FETCH responses are acted on here. */
    private String readResponse() throws IOException {
        StringBuilder response = new StringBuilder();
        while (true) {
            String line = readLine();
            response.append(line).append("\r\n");
            Matcher literal = LITERAL.matcher(line);
            if (!literal.find()) {
                break;
            }
            byte[] bytes = in.readNBytes(Integer.parseInt(literal.group(1)));
            response.append(new String(bytes, StandardCharsets.ISO_8859_1));
        }
        String text = response.toString();
        remember(text);
        if (mode == Mode.POLL) {
            Matcher status = UIDNEXT.matcher(text);
            if (status.find() && Long.parseLong(status.group(1)) > statusUidNext) {
                statusUidNext = Long.parseLong(status.group(1));
                statusAt = System.nanoTime();
            } else if (FETCH.matcher(text).find()) {
                polled(text);
            }
            return text;
        }
        Matcher m = EXISTS.matcher(text);
        if (m.find()) {
            announce(Integer.parseInt(m.group(1)), System.nanoTime());
        } else if ((m = FETCH.matcher(text)).find()) {
            int seq = Integer.parseInt(m.group(1));
            if (seq > fetched && seq <= exists) {
                Matcher subject = SUBJECT.matcher(text);
                sink.appeared(subject.find() ? subject.group(1).trim() : "", announced[seq], mode);
            }
        }
        return text;
    }

    private synchronized void remember(String text) {
        String shown = text.strip().replace("\r\n", "\\r\\n");
        lastResponses[responsesRead++ % lastResponses.length] = shown.length() > 160 ? shown.substring(0, 160) + "…" : shown;
    }

    private void announce(int count, long now) {
        if (count >= announced.length) {
            announced = Arrays.copyOf(announced, Math.max(count + 1, announced.length * 2));
        }
        for (int seq = exists + 1; seq <= count; seq++) {
            announced[seq] = now;
        }
        exists = Math.max(exists, count);
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException(login + ": the IMAP server closed the connection");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    private static String quoted(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Override
    public void close() throws IOException {
        closing = true;
        socket.close();
        try {
            reader.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
