package dev.liaison.gateway.load;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * One SMTP submission connection of the load tools: EHLO, STARTTLS, EHLO, AUTH PLAIN, then any
 * number of transactions on the same connection with MAIL, RCPT and DATA pipelined (RFC 2920),
 * which Liaison and Postfix both offer. Any reply other than the expected one fails the session.
 */
final class SubmitSession implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private SubmitSession(Socket socket, InputStream in, OutputStream out) {
        this.socket = socket;
        this.in = in;
        this.out = out;
    }

    static SubmitSession open(String host, int port, SSLContext tls, String login, String password) throws IOException {
        Socket plain = new Socket();
        plain.setTcpNoDelay(true);
        plain.connect(new InetSocketAddress(host, port), 10_000);
        plain.setSoTimeout(300_000);
        SubmitSession clear = new SubmitSession(plain, new BufferedInputStream(plain.getInputStream()), plain.getOutputStream());
        clear.expect(220);
        clear.command("EHLO load.test", 250);
        clear.command("STARTTLS", 220);
        SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(plain, host, port, true);
        secure.startHandshake();
        SubmitSession s = new SubmitSession(secure, new BufferedInputStream(secure.getInputStream()),
                new BufferedOutputStream(secure.getOutputStream(), 65536));
        s.command("EHLO load.test", 250);
        String token = Base64.getEncoder().encodeToString(("\0" + login + "\0" + password).getBytes(StandardCharsets.UTF_8));
        s.command("AUTH PLAIN " + token, 235);
        return s;
    }

    /** One message; returns once its 250 arrived. {@code message} ends in CRLF and is dot-stuffed. */
    void send(String from, String to, byte[] message) throws IOException {
        out.write(("MAIL FROM:<" + from + "> SIZE=" + message.length + "\r\nRCPT TO:<" + to + ">\r\nDATA\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        expect(250);
        expect(250);
        expect(354);
        out.write(message);
        out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        expect(250);
    }

    private void command(String line, int code) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        expect(code);
    }

    private void expect(int code) throws IOException {
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
                throw new IOException("connection closed by the server");
            }
            if (b != '\r') {
                sb.append((char) b);
            }
        }
        return sb.toString();
    }

    @Override
    public void close() throws IOException {
        try {
            command("QUIT", 221);
        } finally {
            socket.close();
        }
    }
}
