package dev.liaison.gateway.legacy;

import dev.liaison.gateway.Gateway;
import dev.liaison.gateway.tls.TrustingClients;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** A test gateway as a mail client uses it: Angus over IMAPS and SMTP submission, the password {@code <login>-pw}. */
final class GatewayClients {

    private GatewayClients() {
    }

    /** A mail session for the gateway's submission port: STARTTLS required, AUTH, its certificate trusted. */
    static Session submission(Gateway gateway) throws Exception {
        Properties p = new Properties();
        p.put("mail.smtp.host", "localhost");
        p.put("mail.smtp.port", String.valueOf(gateway.submissionPort()));
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", "true");
        p.put("mail.smtp.auth", "true");
        p.put("mail.smtp.ssl.socketFactory", TrustingClients.trusting(gateway.tls().certificate()).getSocketFactory());
        return Session.getInstance(p);
    }

    /** The messages of {@code login}'s folder {@code name} with {@code subject} (every one for null); none if no such folder. */
    static List<MimeMessage> folder(Gateway gateway, String login, String name, String subject) throws Exception {
        Properties p = new Properties();
        p.put("mail.imaps.host", "localhost");
        p.put("mail.imaps.port", String.valueOf(gateway.imapsPort()));
        p.put("mail.imaps.ssl.socketFactory", TrustingClients.trusting(gateway.tls().certificate()).getSocketFactory());
        p.put("mail.imaps.timeout", "30000");
        List<MimeMessage> found = new ArrayList<>();
        try (Store store = Session.getInstance(p).getStore("imaps")) {
            store.connect(login, login + "-pw");
            Folder f = store.getFolder(name);
            if (!f.exists()) {
                return found;
            }
            f.open(Folder.READ_ONLY);
            for (Message m : f.getMessages()) {
                if (subject == null || subject.equals(m.getSubject())) {
                    found.add(new MimeMessage((MimeMessage) m));
                }
            }
            f.close(false);
        }
        return found;
    }
}
