package dev.liaison.smtp.authentication;

import dev.liaison.smtp.submission.ReversePath;
import java.net.InetAddress;
import java.util.Objects;

/**
 * What the SMTP dialogue says about the sender, before the message: the inputs of SPF (RFC 7208
 * §4.1).
 *
 * @param client   the connecting IP address
 * @param heloName the EHLO/HELO argument, as sent
 * @param sender   the MAIL FROM reverse-path
 */
public record SenderIdentities(InetAddress client, String heloName, ReversePath sender) {
    public SenderIdentities {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(heloName, "heloName");
        Objects.requireNonNull(sender, "sender");
    }
}
