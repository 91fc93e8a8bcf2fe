package dev.liaison.imap.store;

import dev.liaison.imap.delivery.FiledCopies;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.ComposedMessageId;
import org.apache.james.mailbox.model.Content;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxConstants;
import org.apache.james.mailbox.model.ThreadId;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;
import java.util.UUID;

/**
 * Whether a client's APPEND is a copy of a message the gateway already filed in that folder
 * ({@link FiledCopies}): then the APPEND's answer names the filed copy and nothing is stored, so a
 * user whose client keeps its own Sent copy does not see every sent message twice. The filed copy
 * counts only while it is in the folder and not marked {@code \Deleted}, and only if its body is the
 * appended message's, octet for octet: a message sent again under the same {@code Message-ID} with
 * other content, or a client's copy that differs on purpose (a plain-text copy of an encrypted
 * message), is stored. When in doubt the APPEND is stored: a second copy is a nuisance, a lost one
 * is not recoverable.
 */
final class AppendedCopies {

    /** A header section longer than this is not looked at; the APPEND is stored as usual. */
    static final int MAX_HEADER_OCTETS = 64 * 1024;

    private static final String FILED = "SELECT m.uid, m.message_id, m.thread_id, m.size,"
            + " substring(m.content FROM 1 FOR m.body_start) AS header FROM imap.delivery d"
            + " JOIN imap.message m ON m.mailbox_id = d.mailbox_id AND m.uid = d.uid"
            + " WHERE d.delivery_id = ? AND d.mailbox_id = ? AND NOT m.deleted"
            + " AND sha256(substring(m.content FROM m.body_start + 1)) = ?";

    private final Jdbc jdbc;
    private final FiledCopies copies;

    AppendedCopies(Jdbc jdbc, FiledCopies copies) {
        this.jdbc = jdbc;
        this.copies = copies;
    }

    /** The filed copy that {@code content}, appended to {@code folder}, duplicates; empty to store it. Blocking. */
    Optional<MessageManager.AppendResult> filed(Mailbox folder, Content content) throws MailboxException {
        if (!MailboxConstants.USER_NAMESPACE.equals(folder.getNamespace()) || !copies.watches(folder.getName())) {
            return Optional.empty();
        }
        String deliveryId;
        byte[] header;
        byte[] body;
        try (InputStream in = new BufferedInputStream(content.getInputStream(), 8192)) {
            Optional<byte[]> section = headerSection(in);
            Optional<String> id = section.flatMap(h -> copies.deliveryId(folder.getUser().asString(), h));
            if (id.isEmpty()) {
                return Optional.empty();
            }
            deliveryId = id.get();
            header = section.get();
            body = digest(in);
        } catch (IOException e) {
            throw new MailboxException("cannot read the appended message: " + e.getMessage(), e);
        }
        return find(folder, deliveryId, header, body);
    }

    private Optional<MessageManager.AppendResult> find(Mailbox folder, String deliveryId, byte[] header,
                                                       byte[] bodyDigest) throws MailboxException {
        long mailboxId = PostgresMailboxMapper.id(folder.getMailboxId());
        return jdbc.read("finding the filed copy of an appended message", c -> {
            try (PreparedStatement s = c.prepareStatement(FILED)) {
                s.setString(1, deliveryId);
                s.setLong(2, mailboxId);
                s.setBytes(3, bodyDigest);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next() || !copies.covers(rs.getBytes("header"), header)) {
                        return Optional.empty();
                    }
                    ComposedMessageId id = new ComposedMessageId(folder.getMailboxId(),
                            StoredMessageId.of(rs.getObject("message_id", UUID.class)), MessageUid.of(rs.getLong("uid")));
                    return Optional.of(new MessageManager.AppendResult(id, rs.getLong("size"), Optional.empty(),
                            ThreadId.fromBaseMessageId(StoredMessageId.of(rs.getObject("thread_id", UUID.class)))));
                }
            }
        });
    }

    /**
     * The octets up to and including the empty line that ends the header section, read from
     * {@code in}, which is left at the first octet of the body; empty when there is no empty line
     * within {@link #MAX_HEADER_OCTETS}.
     */
    static Optional<byte[]> headerSection(InputStream in) throws IOException {
        ByteArrayOutputStream header = new ByteArrayOutputStream(2048);
        int previous = '\n'; // as if a line had just ended: a message may start with the empty line
        int beforePrevious = -1;
        for (int b = in.read(); b >= 0 && header.size() < MAX_HEADER_OCTETS; b = in.read()) {
            header.write(b);
            // a line feed right after a line feed (optionally with CR between) is the empty line
            if (b == '\n' && (previous == '\n' || (previous == '\r' && beforePrevious == '\n'))) {
                return Optional.of(header.toByteArray());
            }
            beforePrevious = previous;
            previous = b;
        }
        return Optional.empty();
    }

    /** SHA-256 of what is left of {@code in}: the body, compared with the filed copy's in the database. */
    private static byte[] digest(InputStream in) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("SHA-256 is always available", e);
        }
        byte[] buffer = new byte[8192];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            sha.update(buffer, 0, n);
        }
        return sha.digest();
    }
}
