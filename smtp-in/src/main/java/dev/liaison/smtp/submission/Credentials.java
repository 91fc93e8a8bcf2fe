package dev.liaison.smtp.submission;

import java.net.InetAddress;
import java.util.Objects;

/**
 * One AUTH PLAIN/LOGIN attempt, already past the throttle. {@link #toString()} masks the password
 * so the record can never leak it into a log line (STYLE §8).
 *
 * @param login    the authentication identity exactly as the client sent it
 * @param password the password exactly as the client sent it
 * @param client   the client's address, for the authenticator's own auditing
 */
public record Credentials(String login, String password, InetAddress client) {
    public Credentials {
        Objects.requireNonNull(login, "login");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(client, "client");
    }

    @Override
    public String toString() {
        return "Credentials[login=" + login + ", password=<masked>, client=" + client.getHostAddress() + "]";
    }
}
