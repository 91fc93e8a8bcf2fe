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

/** A user's folder of a test gateway as a mail client reads it: Angus over IMAPS, the password {@code <login>-pw}. */
final class GatewayFolders {

    private GatewayFolders() {
    }

    /** The messages of {@code login}'s folder {@code name} with {@code subject} (every one for null); none if no such folder. */
    static List<MimeMessage> read(Gateway gateway, String login, String name, String subject) throws Exception {
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
