package dev.liaison.imap.server;

import javax.net.ssl.SSLSocket;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A byte-level IMAP client for protocol tests: sends exactly what the test writes and returns the
 * lines up to the tagged answer, so malformed and hostile input can be sent as is.
 */
final class RawImap implements AutoCloseable {

    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private int tag;
    final String greeting;

    private RawImap(Socket socket) throws IOException {
        use(socket);
        greeting = line();
    }

    static RawImap tls(int port) throws IOException {
        SSLSocket s = (SSLSocket) TestTls.get().client.getSocketFactory().createSocket("127.0.0.1", port);
        s.setSoTimeout(20_000);
        s.startHandshake();
        return new RawImap(s);
    }

    static RawImap plain(int port) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(20_000);
        return new RawImap(s);
    }

    /** Upgrades the connection after a successful STARTTLS. */
    void startTls() throws IOException {
        List<String> answer = command("STARTTLS");
        if (!last(answer).contains("OK")) {
            throw new IOException("STARTTLS refused: " + answer);
        }
        SSLSocket s = (SSLSocket) TestTls.get().client.getSocketFactory()
                .createSocket(socket, "127.0.0.1", socket.getPort(), true);
        s.setSoTimeout(20_000);
        s.startHandshake();
        use(s);
    }

    private void use(Socket s) throws IOException {
        socket = s;
        in = new BufferedInputStream(s.getInputStream());
        out = s.getOutputStream();
    }

    List<String> login(String user) throws IOException {
        return command("LOGIN " + user + " \"" + TestImap.PASSWORD + "\"");
    }

    /** Sends {@code tag command}, returns every line up to and including the tagged one. */
    List<String> command(String command) throws IOException {
        String t = "a" + (++tag);
        send(t + " " + command + "\r\n");
        return until(t);
    }

    void send(String raw) throws IOException {
        out.write(raw.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    void sendBytes(byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
    }

    String nextTag() {
        return "a" + (++tag);
    }

    List<String> until(String t) throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = line();
            if (line == null) {
                lines.add("<closed>");
                return lines;
            }
            lines.add(line);
            if (line.startsWith(t + " ")) {
                return lines;
            }
        }
    }

    /** One response line; a literal's bytes are appended to the line that announced it. */
    String line() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            buf.write(b);
            if (b == '\n') {
                String s = buf.toString(StandardCharsets.UTF_8);
                int open = s.lastIndexOf('{');
                if (s.endsWith("}\r\n") && open >= 0) {
                    int size = Integer.parseInt(s.substring(open + 1, s.length() - 3));
                    buf.write(in.readNBytes(size));
                    continue;
                }
                return s.substring(0, s.length() - 2);
            }
        }
        return buf.size() == 0 ? null : buf.toString(StandardCharsets.UTF_8);
    }

    /** A response line if one comes within {@code wait}, else null; the connection stays usable. */
    String lineWithin(java.time.Duration wait) throws IOException {
        int before = socket.getSoTimeout();
        socket.setSoTimeout(Math.toIntExact(wait.toMillis()));
        try {
            return line();
        } catch (java.net.SocketTimeoutException nothing) {
            return null;
        } finally {
            socket.setSoTimeout(before);
        }
    }

    static String last(List<String> lines) {
        return lines.get(lines.size() - 1);
    }

    boolean isOpen() {
        return !socket.isClosed();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
