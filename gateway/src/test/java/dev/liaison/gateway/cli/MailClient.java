package dev.liaison.gateway.cli;

import dev.liaison.gateway.tls.TrustingClients;
import jakarta.mail.FetchProfile;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;

/**
 * A mail client of one gateway, as a user configures one: SMTP submission and IMAP on 127.0.0.1,
 * both with STARTTLS required, trusting the gateway's (self-signed) certificate.
 */
final class MailClient {

    private final Session session;

    MailClient(int smtpPort, int imapPort, Path certificate) throws Exception {
        var factory = TrustingClients.trusting(certificate).getSocketFactory();
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(smtpPort));
        p.put("mail.smtp.auth", "true");
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", "true");
        p.put("mail.smtp.ssl.socketFactory", factory);
        p.put("mail.imap.host", "127.0.0.1");
        p.put("mail.imap.port", String.valueOf(imapPort));
        p.put("mail.imap.starttls.enable", "true");
        p.put("mail.imap.starttls.required", "true");
        p.put("mail.imap.ssl.socketFactory", factory);
        for (String protocol : new String[]{"smtp", "imap"}) {
            p.put("mail." + protocol + ".connectiontimeout", "10000");
            p.put("mail." + protocol + ".timeout", "30000");
        }
        session = Session.getInstance(p);
    }

    /** Submits one message on a new connection; returns only after the server's 250 for DATA. */
    void send(String login, String password, String from, String to, String subject) throws MessagingException {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(from);
        m.setRecipients(Message.RecipientType.TO, to);
        m.setSubject(subject);
        m.setText("Sent by a Liaison integration test: " + subject + "\r\n");
        m.saveChanges();
        try (Transport t = session.getTransport("smtp")) {
            t.connect(login, password);
            t.sendMessage(m, m.getAllRecipients());
        }
    }

    /** How often each subject accepted by {@code wanted} occurs in the user's INBOX. */
    Map<String, Integer> inboxSubjects(String login, String password, Predicate<String> wanted) throws MessagingException {
        Map<String, Integer> counts = new HashMap<>();
        inbox(login, password, wanted).forEach(subject -> counts.merge(subject, 1, Integer::sum));
        return counts;
    }

    /** The subjects accepted by {@code wanted} in the user's INBOX, in mailbox order (the order of arrival). */
    List<String> inbox(String login, String password, Predicate<String> wanted) throws MessagingException {
        try (Store store = session.getStore("imap")) {
            store.connect(login, password);
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            try {
                Message[] messages = inbox.getMessages();
                FetchProfile envelope = new FetchProfile();
                envelope.add(FetchProfile.Item.ENVELOPE);
                inbox.fetch(messages, envelope);
                List<String> subjects = new ArrayList<>();
                for (Message m : messages) {
                    String subject = m.getSubject();
                    if (subject != null && wanted.test(subject)) {
                        subjects.add(subject);
                    }
                }
                return subjects;
            } finally {
                inbox.close(false);
            }
        }
    }

    /** Polls the INBOX until {@code subject} is there (bounded), and returns how often it is. */
    int awaitSubject(String login, String password, String subject, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        int seen;
        while ((seen = inboxSubjects(login, password, subject::equals).getOrDefault(subject, 0)) == 0
                && System.nanoTime() < deadline) {
            Thread.sleep(250);
        }
        return seen;
    }
}
