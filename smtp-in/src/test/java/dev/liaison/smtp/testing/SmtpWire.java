package dev.liaison.smtp.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLSocket;

/**
 * A raw SMTP client over a real socket, for the cases no well-behaved client library can produce
 * (bare LF, pipelined plaintext after STARTTLS, over-long lines). Every read has a timeout so a
 * server that fails to answer fails the test instead of hanging it.
 */
public final class SmtpWire implements AutoCloseable {

    private static final int TIMEOUT_MILLIS = 10_000;

    private Socket socket;
    private InputStream in;
    private OutputStream out;

    private SmtpWire(Socket socket) throws IOException {
        use(socket);
    }

    public static SmtpWire plain(int port) throws IOException {
        return plain(port, InetAddress.getLoopbackAddress());
    }

    /** Connects from a chosen local address (on Linux all of 127.0.0.0/8 is loopback). */
    public static SmtpWire plain(int port, InetAddress localAddress) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(localAddress, 0));
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TIMEOUT_MILLIS);
        return new SmtpWire(socket);
    }

    public static SmtpWire implicitTls(int port) throws IOException {
        return implicitTls(port, InetAddress.getLoopbackAddress());
    }

    /** Implicit TLS from a chosen local address. */
    public static SmtpWire implicitTls(int port, InetAddress localAddress) throws IOException {
        SSLSocket socket = (SSLSocket) TestCertificate.get().clientSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), port, localAddress, 0);
        socket.startHandshake();
        return new SmtpWire(socket);
    }

    private void use(Socket newSocket) throws IOException {
        socket = newSocket;
        socket.setSoTimeout(TIMEOUT_MILLIS);
        socket.setTcpNoDelay(true);
        in = new java.io.BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    public void upgradeToTls() throws IOException {
        SSLSocket tls = (SSLSocket) TestCertificate.get().clientSocketFactory()
                .createSocket(socket, "localhost", socket.getPort(), true);
        tls.startHandshake();
        use(tls);
    }

    public SmtpWire command(String line) throws IOException {
        return send(line + "\r\n");
    }

    public SmtpWire send(String raw) throws IOException {
        return send(raw.getBytes(StandardCharsets.ISO_8859_1));
    }

    public SmtpWire send(byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
        return this;
    }

    /** Reads one (possibly multi-line) reply. */
    public Reply reply() throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = readLine();
            if (line == null) {
                throw new IOException("connection closed while waiting for a reply; got " + lines);
            }
            lines.add(line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                return new Reply(Integer.parseInt(line.substring(0, 3)), lines);
            }
        }
    }

    public Reply expect(int code) throws IOException {
        Reply reply = reply();
        if (reply.code() != code) {
            throw new AssertionError("expected " + code + " but got " + reply.lines());
        }
        return reply;
    }

    /** True once the server has closed the connection (EOF or reset). */
    public boolean isClosedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int previous = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.US_ASCII);
            }
            if (previous == '\r' && b == '\n') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.US_ASCII);
            }
            line.write(b);
            previous = b;
        }
    }

    /** {@code message} (CRLF lines, ending in CRLF) with every line starting with "." doubled (RFC 5321 §4.5.2). */
    public static String dotStuffed(String message) {
        String stuffed = message.replace("\r\n.", "\r\n..");
        return stuffed.startsWith(".") ? "." + stuffed : stuffed;
    }

    public static String plainAuth(String login, String password) {
        return Base64.getEncoder().encodeToString(("\0" + login + "\0" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** One SMTP reply. */
    public record Reply(int code, List<String> lines) {
        public String text() {
            return String.join("\n", lines);
        }

        /** The enhanced status code of the last line, e.g. "5.7.0". */
        public String enhanced() {
            String last = lines.get(lines.size() - 1);
            return last.length() > 4 ? last.substring(4).split(" ", 2)[0] : "";
        }
    }
}
