package dev.liaison.imap.server;

import jakarta.mail.Folder;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/** jakarta-mail (Angus) connected over implicit TLS, trusting the test certificate. */
final class MailClient {

    private MailClient() {
    }

    static Store connect(int port, String user) throws Exception {
        Properties p = new Properties();
        p.put("mail.imaps.ssl.socketFactory", TestTls.get().client.getSocketFactory());
        p.put("mail.imaps.ssl.checkserveridentity", "true");
        p.put("mail.imaps.connectiontimeout", "10000");
        p.put("mail.imaps.timeout", "20000");
        Session session = Session.getInstance(p);
        session.setDebug(Boolean.getBoolean("mail.debug"));
        Store store = session.getStore("imaps");
        store.connect("localhost", port, user, TestImap.PASSWORD);
        return store;
    }

    static Folder open(Store store, String name, int mode) throws Exception {
        Folder folder = store.getFolder(name);
        folder.open(mode);
        return folder;
    }

    static MimeMessage parse(String rfc822) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(rfc822.getBytes(StandardCharsets.UTF_8)));
    }

    static byte[] bytes(jakarta.mail.Message m) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeTo(out);
        return out.toByteArray();
    }

    static String simple(String subject, String body) {
        return "From: Carol <carol@example.net>\r\nTo: alice@example.org\r\nSubject: " + subject
                + "\r\nDate: Tue, 3 Jun 2025 11:05:30 +0200\r\nMessage-ID: <" + subject.hashCode() + "@example.net>\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n";
    }

    static String multipart(String subject) {
        return "From: Carol <carol@example.net>\r\nTo: alice@example.org\r\nSubject: " + subject + "\r\n"
                + "Date: Tue, 3 Jun 2025 11:05:30 +0200\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
                + "preamble\r\n--b1\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nSee the attachment.\r\n"
                + "--b1\r\nContent-Type: application/pdf; name=\"report.pdf\"\r\n"
                + "Content-Disposition: attachment; filename=\"report.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + "JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PC9UeXBlL0NhdGFsb2c+PgplbmRvYmoK\r\n"
                + "--b1\r\nContent-Type: message/rfc822\r\n\r\n"
                + "From: dave@example.com\r\nSubject: inner\r\nContent-Type: text/plain\r\n\r\ninner body\r\n"
                + "--b1--\r\n";
    }
}
