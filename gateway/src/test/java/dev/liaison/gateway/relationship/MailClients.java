package dev.liaison.gateway.relationship;

import jakarta.mail.FetchProfile;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/** jakarta-mail/Angus as the users' mail client against one gateway of a {@link GatewayPair}. */
final class MailClients {

    private MailClients() {
    }

    static Session smtp(GatewayPair.Node node) throws Exception {
        Properties p = new Properties();
        p.put("mail.transport.protocol", "smtp");
        p.put("mail.smtp.host", "localhost");
        p.put("mail.smtp.port", String.valueOf(node.gateway.submissionPort()));
        p.put("mail.smtp.auth", "true");
        p.put("mail.smtp.ssl.socketFactory", node.trustingSocketFactory());
        p.put("mail.smtp.ssl.checkserveridentity", "true");
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", "true");
        p.put("mail.smtp.connectiontimeout", "10000");
        p.put("mail.smtp.timeout", "30000");
        return Session.getInstance(p);
    }

    static void send(GatewayPair.Node node, String login, String password, MimeMessage m) throws Exception {
        try (Transport t = m.getSession().getTransport("smtp")) {
            t.connect(login, password);
            t.sendMessage(m, m.getAllRecipients());
        }
    }

    static Store imap(GatewayPair.Node node, String login, String password) throws Exception {
        Properties p = new Properties();
        p.put("mail.imaps.host", "localhost");
        p.put("mail.imaps.port", String.valueOf(node.gateway.imapsPort()));
        p.put("mail.imaps.ssl.socketFactory", node.trustingSocketFactory());
        p.put("mail.imaps.ssl.checkserveridentity", "true");
        // a server that stops answering fails the test instead of hanging it
        p.put("mail.imaps.connectiontimeout", "10000");
        p.put("mail.imaps.timeout", "30000");
        Store store = Session.getInstance(p).getStore("imaps");
        store.connect(login, password);
        return store;
    }

    /** Every message of a folder, raw as the server serves it. */
    static List<byte[]> raw(GatewayPair.Node node, String folder) throws Exception {
        try (Store store = imap(node, node.user, node.password)) {
            Folder f = store.getFolder(folder);
            if (!f.exists()) {
                return List.of();
            }
            f.open(Folder.READ_ONLY);
            List<byte[]> all = new ArrayList<>();
            for (Message m : f.getMessages()) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                m.writeTo(out);
                all.add(out.toByteArray());
            }
            f.close(false);
            return all;
        }
    }

    /**
     * The subjects of a folder's messages, in order (fetched as ENVELOPE, so cheap enough to
     * poll a folder that holds hundreds of messages); a message without one counts as "".
     */
    static List<String> subjects(GatewayPair.Node node, String folder) throws Exception {
        try (Store store = imap(node, node.user, node.password)) {
            Folder f = store.getFolder(folder);
            if (!f.exists()) {
                return List.of();
            }
            f.open(Folder.READ_ONLY);
            Message[] all = f.getMessages();
            FetchProfile envelope = new FetchProfile();
            envelope.add(FetchProfile.Item.ENVELOPE);
            f.fetch(all, envelope);
            List<String> subjects = new ArrayList<>(all.length);
            for (Message m : all) {
                subjects.add(m.getSubject() == null ? "" : m.getSubject());
            }
            f.close(false);
            return subjects;
        }
    }

    /** Every message of a folder whose subject is exactly {@code subject}, raw as the server serves it. */
    static List<byte[]> withSubject(GatewayPair.Node node, String folder, String subject) throws Exception {
        try (Store store = imap(node, node.user, node.password)) {
            Folder f = store.getFolder(folder);
            if (!f.exists()) {
                return List.of();
            }
            f.open(Folder.READ_ONLY);
            Message[] all = f.getMessages();
            FetchProfile envelope = new FetchProfile();
            envelope.add(FetchProfile.Item.ENVELOPE);
            f.fetch(all, envelope);
            List<byte[]> found = new ArrayList<>();
            for (Message m : all) {
                if (subject.equals(m.getSubject())) {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    m.writeTo(out);
                    found.add(out.toByteArray());
                }
            }
            f.close(false);
            return found;
        }
    }

    /**
     * Sends {@code m} expecting the gateway to refuse it; returns what the server answered (the
     * SMTP replies jakarta-mail reports), or fails if the message was accepted.
     */
    static String refusal(GatewayPair.Node node, String login, String password, MimeMessage m) throws Exception {
        try {
            send(node, login, password, m);
        } catch (SendFailedException e) {
            StringBuilder replies = new StringBuilder();
            for (Exception x = e; x != null; x = x instanceof MessagingException me ? me.getNextException() : null) {
                replies.append(x.getMessage()).append('\n');
            }
            return replies.toString();
        }
        throw new AssertionError("the gateway accepted '" + m.getSubject() + "' for "
                + Arrays.toString(m.getAllRecipients()));
    }

    static List<MimeMessage> messages(GatewayPair.Node node, String folder) throws Exception {
        List<MimeMessage> parsed = new ArrayList<>();
        for (byte[] raw : raw(node, folder)) {
            parsed.add(new MimeMessage(null, new java.io.ByteArrayInputStream(raw)));
        }
        return parsed;
    }

    /** The bytes after the header section's blank line. */
    static byte[] body(byte[] message) {
        for (int i = 0; i + 3 < message.length; i++) {
            if (message[i] == '\r' && message[i + 1] == '\n' && message[i + 2] == '\r' && message[i + 3] == '\n') {
                return Arrays.copyOfRange(message, i + 4, message.length);
            }
        }
        throw new AssertionError("no header/body separator");
    }
}
