package dev.liaison.gateway.submission;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** CRLF lines over a socket: an SMTP or IMAP dialogue typed by hand. */
public final class SocketLines {
    private final BufferedReader in;
    private final OutputStream out;

    public SocketLines(Socket s) throws IOException {
        s.setSoTimeout(60_000); // a deadline, not a measurement
        in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        out = s.getOutputStream();
    }

    public void send(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    public String read() throws IOException {
        return in.readLine();
    }

    /** Sends {@code line} and returns the answer up to the tagged line, joined. */
    public String command(String line) throws IOException {
        send(line);
        String tag = line.substring(0, line.indexOf(' ') + 1);
        List<String> answer = new ArrayList<>();
        String l;
        do {
            l = read();
            answer.add(l);
        } while (l != null && !l.startsWith(tag));
        return String.join("\n", answer);
    }
}
