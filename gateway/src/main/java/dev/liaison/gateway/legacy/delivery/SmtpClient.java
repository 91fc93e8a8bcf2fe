package dev.liaison.gateway.legacy.delivery;

import dev.liaison.gateway.transport.send.DeliveryOutcome;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import org.eclipse.angus.mail.smtp.SMTPTransport;

import java.util.Properties;

/**
 * One SMTP transaction with jakarta-mail/Angus as the client: connect (TLS as the peer says),
 * EHLO as the gateway's domain, AUTH if configured, MAIL FROM the sender's outward alias, RCPT
 * TO the one recipient, DATA the signed octets, QUIT. Every step has a timeout
 * ({@link Limits#CONNECT_TIMEOUT}, {@link Limits#IO_TIMEOUT}). Never logs the conversation:
 * it carries addresses, credentials and bodies.
 */
final class SmtpClient {

    private final String ehloName;

    SmtpClient(String ehloName) {
        this.ehloName = ehloName;
    }

    DeliveryOutcome send(SmtpPeer peer, OutboundMail mail, byte[] message) {
        String protocol = peer.security() == SmtpPeer.Security.TLS ? "smtps" : "smtp";
        Session session = Session.getInstance(properties(peer, protocol));
        SMTPTransport transport = null;
        try {
            transport = (SMTPTransport) session.getTransport(protocol);
            transport.connect(peer.host(), peer.port(), peer.authenticates() ? peer.user() : null,
                    peer.authenticates() ? peer.password() : null);
            RawSmtpMessage raw = new RawSmtpMessage(session, message, mail.sender().toString());
            if (raw.eightBit() && transport.supportsExtension("8BITMIME")) {
                raw.setMailExtension("BODY=8BITMIME");
            }
            transport.sendMessage(raw, new Address[]{new InternetAddress(mail.recipient().toString())});
            return new DeliveryOutcome.Delivered(transport.getLastReturnCode());
        } catch (MessagingException e) {
            return SmtpReplies.classify(e, peer.host() + ":" + peer.port());
        } finally {
            closeQuietly(transport);
        }
    }

    private Properties properties(SmtpPeer peer, String protocol) {
        String p = "mail." + protocol + ".";
        Properties props = new Properties();
        props.put(p + "connectiontimeout", Long.toString(Limits.CONNECT_TIMEOUT.toMillis()));
        props.put(p + "timeout", Long.toString(Limits.IO_TIMEOUT.toMillis()));
        props.put(p + "writetimeout", Long.toString(Limits.IO_TIMEOUT.toMillis()));
        props.put(p + "localhost", ehloName);
        props.put(p + "quitwait", "false"); // the message is accepted at 250 after DATA; QUIT's answer changes nothing
        props.put(p + "auth", Boolean.toString(peer.authenticates()));
        switch (peer.security()) {
            case STARTTLS_REQUIRED -> {
                props.put(p + "starttls.enable", "true");
                props.put(p + "starttls.required", "true");
                verified(props, p, peer);
            }
            case TLS -> verified(props, p, peer);
            case STARTTLS_OPPORTUNISTIC -> {
                // MX-to-MX TLS without DANE or MTA-STS authenticates nobody; it still hides the
                // message from passive listeners, which is better than plain text
                props.put(p + "starttls.enable", "true");
                props.put(p + "ssl.trust", "*");
                props.put(p + "ssl.checkserveridentity", "false");
            }
            case NONE -> props.put(p + "starttls.enable", "false");
        }
        return props;
    }

    private static void verified(Properties props, String p, SmtpPeer peer) {
        props.put(p + "ssl.socketFactory", peer.tls());
        props.put(p + "ssl.checkserveridentity", "true");
    }

    /** After a delivery the message is the server's; a failing QUIT must not turn it into a retry (a duplicate). */
    private static void closeQuietly(SMTPTransport transport) {
        if (transport != null) {
            try {
                transport.close();
            } catch (MessagingException ignored) {
                // the connection is gone either way
            }
        }
    }
}
