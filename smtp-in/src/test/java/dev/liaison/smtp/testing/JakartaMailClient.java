package dev.liaison.smtp.testing;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;

/**
 * Angus Mail (jakarta.mail) configured as a mail client would be (verified TLS, AUTH), or as a
 * sending mail server delivering to an MX would be (no AUTH, STARTTLS when asked).
 */
public final class JakartaMailClient {

    private final Session session;
    private final String login;
    private final String password;

    private JakartaMailClient(Properties properties, String login, String password) {
        this.session = Session.getInstance(properties);
        this.login = login;
        this.password = password;
    }

    /** Port 587 style: plain connect, STARTTLS required, then AUTH. */
    public static JakartaMailClient starttls(int port, String login, String password) {
        Properties p = common(port);
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", "true");
        p.put("mail.smtp.ssl.socketFactory", TestCertificate.get().clientSocketFactory());
        return new JakartaMailClient(p, login, password);
    }

    /** Port 465 style: TLS from the first byte. */
    public static JakartaMailClient implicitTls(int port, String login, String password) {
        Properties p = common(port);
        p.put("mail.smtp.ssl.enable", "true");
        p.put("mail.smtp.ssl.socketFactory", TestCertificate.get().clientSocketFactory());
        return new JakartaMailClient(p, login, password);
    }

    /**
     * A server delivering to an MX on port 25: no AUTH, HELO name {@code mta.legacy.example},
     * envelope sender {@code envelopeFrom}; with {@code starttls}, TLS is required and verified
     * against the test certificate.
     */
    public static JakartaMailClient mx(int port, boolean starttls, String envelopeFrom) {
        Properties p = common(port);
        p.put("mail.smtp.auth", "false");
        p.put("mail.smtp.localhost", "mta.legacy.example");
        p.put("mail.smtp.from", envelopeFrom);
        p.put("mail.smtp.sendpartial", "true");
        if (starttls) {
            p.put("mail.smtp.starttls.enable", "true");
            p.put("mail.smtp.starttls.required", "true");
            p.put("mail.smtp.ssl.socketFactory", TestCertificate.get().clientSocketFactory());
        }
        return new JakartaMailClient(p, null, null);
    }

    /** Sends without authenticating (an MX delivery). */
    public void deliver(MimeMessage message) throws MessagingException {
        Transport.send(message);
    }

    private static Properties common(int port) {
        Properties p = new Properties();
        p.put("mail.smtp.host", "localhost");
        p.put("mail.smtp.port", String.valueOf(port));
        p.put("mail.smtp.auth", "true");
        p.put("mail.smtp.ssl.checkserveridentity", "true");
        p.put("mail.smtp.connectiontimeout", "10000");
        p.put("mail.smtp.timeout", "10000");
        return p;
    }

    public MimeMessage newMessage(String from, String to, String subject, String body) throws MessagingException {
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress(from));
        message.setRecipients(Message.RecipientType.TO, InternetAddress.parse(to));
        message.setSubject(subject, "UTF-8");
        message.setText(body, "UTF-8");
        return message;
    }

    public void send(MimeMessage message) throws MessagingException {
        Transport.send(message, login, password);
    }

    /** Sends several messages over one connection (connection reuse). */
    public void sendAll(Iterable<MimeMessage> messages) throws MessagingException {
        try (Transport transport = session.getTransport("smtp")) {
            transport.connect(login, password);
            for (MimeMessage message : messages) {
                message.saveChanges();
                transport.sendMessage(message, message.getAllRecipients());
            }
        }
    }
}
