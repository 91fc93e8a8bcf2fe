package dev.liaison.imap.server;

import dev.liaison.mapping.database.TestPostgres;
import jakarta.mail.BodyPart;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Store;
import jakarta.mail.event.MessageCountAdapter;
import jakarta.mail.event.MessageCountEvent;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.search.BodyTerm;
import jakarta.mail.search.SubjectTerm;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real client's everyday flows against the server on PostgreSQL. Each test uses its own user. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JakartaMailFlowTest {

    private TestImap imap;

    @BeforeAll
    void start() throws Exception {
        imap = TestImap.start(TestPostgres.EMBEDDED);
        for (String u : new String[] {"fetcher", "structure", "flagger", "mover", "appender", "idler", "searcher"}) {
            imap.users.put(u, TestImap.PASSWORD);
        }
    }

    @AfterAll
    void stop() {
        imap.close();
    }

    @Test
    void fetchReturnsTheDeliveredMessageWholeAndInPart() throws Exception {
        String text = MailClient.simple("whole and part", "0123456789abcdefghij");
        DeliveryHelper.deliver(imap, "fetcher", "INBOX", text);
        try (Store store = MailClient.connect(imap.imapsPort(), "fetcher")) {
            Folder inbox = MailClient.open(store, "INBOX", Folder.READ_ONLY);
            Message m = inbox.getMessage(1);
            assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), MailClient.bytes(m));
            assertEquals("whole and part", m.getSubject());
            byte[] partial = new byte[5];
            try (InputStream in = ((IMAPMessage) m).getMimeStream()) {
                assertEquals(5, in.readNBytes(partial, 0, 5));
            }
            assertEquals("From:", new String(partial, StandardCharsets.US_ASCII));
        }
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login("fetcher");
            c.command("EXAMINE INBOX");
            String answer = String.join("\n", c.command("FETCH 1 BODY.PEEK[TEXT]<2.5>"));
            assertTrue(answer.contains("BODY[TEXT]<2> {5}\r\n23456"), answer);
        }
    }

    @Test
    void bodyStructureDescribesMultipartWithAttachmentAndEmbeddedMessage() throws Exception {
        DeliveryHelper.deliver(imap, "structure", "INBOX", MailClient.multipart("with attachment"));
        try (Store store = MailClient.connect(imap.imapsPort(), "structure")) {
            Folder inbox = MailClient.open(store, "INBOX", Folder.READ_ONLY);
            Message m = inbox.getMessage(1);
            assertTrue(m.isMimeType("multipart/mixed"));
            Multipart parts = (Multipart) m.getContent();
            assertEquals(3, parts.getCount());
            assertEquals("See the attachment.", ((String) parts.getBodyPart(0).getContent()).trim());
            BodyPart pdf = parts.getBodyPart(1);
            assertEquals("report.pdf", pdf.getFileName());
            assertEquals(Message.ATTACHMENT, pdf.getDisposition());
            try (InputStream in = pdf.getInputStream()) {
                assertEquals("%PDF-1.4", new String(in.readNBytes(8), StandardCharsets.US_ASCII));
            }
            assertTrue(parts.getBodyPart(2).isMimeType("message/rfc822"));
        }
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login("structure");
            c.command("EXAMINE INBOX");
            String structure = String.join("\n", c.command("FETCH 1 BODYSTRUCTURE"));
            assertTrue(structure.contains("\"MIXED\" (\"boundary\" \"b1\")"), structure);
            assertTrue(structure.contains("(\"attachment\" (\"filename\" \"report.pdf\"))"), structure);
        }
    }

    @Test
    void flagsAndKeywordsAreStoredAndExpungeRemovesDeleted() throws Exception {
        for (int i = 1; i <= 3; i++) {
            DeliveryHelper.deliver(imap, "flagger", "INBOX", MailClient.simple("flag " + i, "body " + i));
        }
        try (Store store = MailClient.connect(imap.imapsPort(), "flagger")) {
            Folder inbox = MailClient.open(store, "INBOX", Folder.READ_WRITE);
            inbox.getMessage(1).setFlag(Flags.Flag.SEEN, true);
            inbox.getMessage(2).setFlags(new Flags("$Important"), true);
            inbox.getMessage(3).setFlag(Flags.Flag.DELETED, true);
            inbox.close(true); // CLOSE expunges \Deleted
        }
        try (Store store = MailClient.connect(imap.imapsPort(), "flagger")) {
            Folder inbox = MailClient.open(store, "INBOX", Folder.READ_ONLY);
            assertEquals(2, inbox.getMessageCount());
            assertTrue(inbox.getMessage(1).isSet(Flags.Flag.SEEN));
            assertTrue(inbox.getMessage(2).getFlags().contains("$Important"));
            assertFalse(inbox.getMessage(2).isSet(Flags.Flag.SEEN));
        }
    }

    @Test
    void copyAndMoveFileMessagesInOtherFoldersWithNewUids() throws Exception {
        DeliveryHelper.deliver(imap, "mover", "INBOX", MailClient.simple("to copy", "c"));
        DeliveryHelper.deliver(imap, "mover", "INBOX", MailClient.simple("to move", "m"));
        try (Store store = MailClient.connect(imap.imapsPort(), "mover")) {
            IMAPFolder inbox = (IMAPFolder) MailClient.open(store, "INBOX", Folder.READ_WRITE);
            inbox.copyMessages(new Message[] {inbox.getMessage(1)}, store.getFolder("Archive"));
            inbox.moveMessages(new Message[] {inbox.getMessage(2)}, store.getFolder("Trash"));
            Folder archive = MailClient.open(store, "Archive", Folder.READ_ONLY);
            assertEquals("to copy", archive.getMessage(1).getSubject());
            Folder trash = MailClient.open(store, "Trash", Folder.READ_ONLY);
            assertEquals("to move", trash.getMessage(1).getSubject());
        }
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login("mover");
            assertEquals("* STATUS \"INBOX\" (MESSAGES 1)", c.command("STATUS INBOX (MESSAGES)").get(0));
            c.command("EXAMINE Trash");
            assertEquals("* 1 FETCH (UID 1)", c.command("FETCH 1:* (UID)").get(0));
        }
    }

    @Test
    void appendToSentAndDraftsReturnsAppendUid() throws Exception {
        try (Store store = MailClient.connect(imap.imapsPort(), "appender")) {
            for (String name : new String[] {"Sent", "Drafts"}) {
                IMAPFolder folder = (IMAPFolder) store.getFolder(name);
                MimeMessage m = MailClient.parse(MailClient.simple("appended to " + name, "text"));
                m.setFlag(Flags.Flag.SEEN, true);
                jakarta.mail.internet.MimeMessage[] msgs = {m};
                var uids = folder.appendUIDMessages(msgs);
                assertEquals(1, uids[0].uid);
                folder.open(Folder.READ_ONLY);
                assertEquals("appended to " + name, folder.getMessage(1).getSubject());
                assertTrue(folder.getMessage(1).isSet(Flags.Flag.SEEN));
                folder.close(false);
            }
        }
    }

    @Test
    void idleSessionIsToldOfADeliveryAtOnce() throws Exception {
        try (Store store = MailClient.connect(imap.imapsPort(), "idler")) {
            IMAPFolder inbox = (IMAPFolder) MailClient.open(store, "INBOX", Folder.READ_WRITE);
            CountDownLatch arrived = new CountDownLatch(1);
            inbox.addMessageCountListener(new MessageCountAdapter() {
                @Override
                public void messagesAdded(MessageCountEvent e) {
                    arrived.countDown();
                }
            });
            Thread idler = new Thread(() -> {
                try {
                    while (arrived.getCount() > 0) {
                        inbox.idle(true);
                    }
                } catch (Exception ignored) {
                    // the folder closes at the end of the test
                }
            });
            idler.start();
            Thread.sleep(500); // let IDLE begin
            DeliveryHelper.deliver(imap, "idler", "INBOX", MailClient.simple("pushed", "p"));
            assertTrue(arrived.await(5, TimeUnit.SECONDS), "no EXISTS pushed to the idling client");
            idler.join(5000);
            assertEquals(1, inbox.getMessageCount());
        }
    }

    @Test
    void searchFindsHeadersAndDecodedBodies() throws Exception {
        DeliveryHelper.deliver(imap, "searcher", "INBOX", MailClient.simple("quarterly numbers", "nothing here"));
        DeliveryHelper.deliver(imap, "searcher", "INBOX", "Subject: =?utf-8?q?caf=C3=A9_plans?=\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                + "The secret word is =C3=BCbermorgen.\r\n");
        try (Store store = MailClient.connect(imap.imapsPort(), "searcher")) {
            Folder inbox = MailClient.open(store, "INBOX", Folder.READ_ONLY);
            Message[] bySubject = inbox.search(new SubjectTerm("QUARTERLY"));
            assertEquals(1, bySubject.length);
            assertEquals(1, bySubject[0].getMessageNumber());
            Message[] byBody = inbox.search(new BodyTerm("übermorgen"));
            assertEquals(1, byBody.length);
            assertEquals(2, byBody[0].getMessageNumber());
            assertEquals(1, inbox.search(new SubjectTerm("café")).length);
        }
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login("searcher");
            c.command("EXAMINE INBOX");
            assertTrue(c.command("SEARCH NOT 2").get(0).equals("* SEARCH 1"));
            assertTrue(c.command("SEARCH SENTON 3-Jun-2025").get(0).equals("* SEARCH 1"));
            assertTrue(c.command("UID SEARCH OR SUBJECT nothing-matches UID 2").get(0).equals("* SEARCH 2"));
        }
    }
}
