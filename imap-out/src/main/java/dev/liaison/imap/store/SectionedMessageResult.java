package dev.liaison.imap.store;

import javax.mail.Flags;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.ByteContent;
import org.apache.james.mailbox.model.Content;
import org.apache.james.mailbox.model.Header;
import org.apache.james.mailbox.model.Headers;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MessageAttachmentMetadata;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.MessageMetaData;
import org.apache.james.mailbox.model.MessageResult;
import org.apache.james.mailbox.model.MimeDescriptor;
import org.apache.james.mailbox.model.MimePath;
import org.apache.james.mailbox.model.ThreadId;
import org.apache.james.mailbox.store.MimeDescriptorImpl;
import org.apache.james.mime4j.MimeException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * A FETCH result whose numbered sections ({@code BODY[1.2]}, {@code BODY[1.HEADER]},
 * {@code BODY[2.MIME]} …) are found by {@link BodySections}, and whose MIME description (BODY,
 * BODYSTRUCTURE) has the parameters its headers write ({@link MimeParameters}); everything else is
 * James's result. The message bytes are read once per result, when the first section asks for them.
 */
final class SectionedMessageResult implements MessageResult {

    private static final byte[] EMPTY = {};

    private final MessageResult james;
    private byte[] message;
    private MimeDescriptor descriptor;

    SectionedMessageResult(MessageResult james) {
        this.james = james;
    }

    private Optional<BodySections.Entity> part(MimePath path) throws MailboxException {
        return BodySections.find(message(), path.getPositions());
    }

    private byte[] message() throws MailboxException {
        if (message == null) {
            try {
                message = james.getFullContent().getInputStream().readAllBytes();
            } catch (IOException e) {
                throw new MailboxException("cannot read message " + james.getUid() + ": " + e.getMessage(), e);
            }
        }
        return message;
    }

    /** {@code BODY[path]}: the part's body; for a {@code message/rfc822} part, the whole attached message. */
    @Override
    public Content getMimeBody(MimePath path) throws MailboxException {
        return new ByteContent(part(path).map(BodySections.Entity::body).orElse(EMPTY));
    }

    /** {@code BODY[path.TEXT]}: the text of the message a {@code message/rfc822} part holds. */
    @Override
    public Content getBody(MimePath path) throws MailboxException {
        return new ByteContent(attached(path).map(BodySections.Entity::body).orElse(EMPTY));
    }

    /** {@code BODY[path.HEADER]} and {@code HEADER.FIELDS}: the header of the attached message. */
    @Override
    public Iterator<Header> iterateHeaders(MimePath path) throws MailboxException {
        return attached(path).map(BodySections.Entity::fields).orElse(List.of()).iterator();
    }

    /** {@code BODY[path.MIME]}: the part's own MIME header. */
    @Override
    public Iterator<Header> iterateMimeHeaders(MimePath path) throws MailboxException {
        return part(path).map(BodySections.Entity::fields).orElse(List.of()).iterator();
    }

    @Override
    public Content getFullContent(MimePath path) throws MailboxException {
        Optional<BodySections.Entity> part = part(path);
        return new ByteContent(part.map(p -> java.util.Arrays.copyOfRange(p.message(), p.start(), p.end()))
                .orElse(EMPTY));
    }

    /**
     * The message whose HEADER and TEXT a section after a part number means: the attached one of a
     * MESSAGE/RFC822 part. RFC 3501 §6.4.5 allows HEADER and TEXT only there and says nothing of
     * other parts; like Dovecot, we then answer with the part's own header and body rather than
     * nothing, so a client that asks gets the part it named.
     */
    private Optional<BodySections.Entity> attached(MimePath path) throws MailboxException {
        return part(path).map(p -> p.encapsulatesMessage() ? p.encapsulated() : p);
    }

    @Override
    public Content getFullContent() throws MailboxException, IOException {
        return james.getFullContent();
    }

    @Override
    public Content getBody() throws MailboxException, IOException {
        return james.getBody();
    }

    @Override
    public Headers getHeaders() throws MailboxException {
        return james.getHeaders();
    }

    /**
     * James's description with each entity's parameters as its header writes them
     * ({@link MimeParameters}), down to {@link MimeNesting}'s bound. Should mime4j still overflow the
     * stack, the message is refused with a {@link MailboxException}, which James's FETCH logs and
     * skips, so the other messages and the tagged answer still come: a {@link StackOverflowError}
     * is not an error Reactor passes on, and the command was never answered.
     */
    @Override
    public MimeDescriptor getMimeDescriptor() throws MailboxException {
        if (descriptor == null) {
            try {
                Optional<byte[]> bounded = MimeNesting.bounded(message());
                descriptor = MimeParameters.described(bounded.isPresent()
                        ? MimeDescriptorImpl.build(new ByteArrayInputStream(bounded.get())) : james.getMimeDescriptor());
            } catch (StackOverflowError e) {
                throw new MailboxException("message " + james.getUid() + " nests its MIME parts too deeply to describe");
            } catch (IOException | MimeException e) {
                throw new MailboxException("cannot describe message " + james.getUid() + ": " + e.getMessage(), e);
            }
        }
        return descriptor;
    }

    @Override
    public List<MessageAttachmentMetadata> getLoadedAttachments() throws MailboxException {
        return james.getLoadedAttachments();
    }

    @Override
    public MessageId getMessageId() {
        return james.getMessageId();
    }

    @Override
    public ThreadId getThreadId() {
        return james.getThreadId();
    }

    @Override
    public Optional<Date> getSaveDate() {
        return james.getSaveDate();
    }

    @Override
    public Date getInternalDate() {
        return james.getInternalDate();
    }

    @Override
    public Flags getFlags() {
        return james.getFlags();
    }

    @Override
    public long getSize() {
        return james.getSize();
    }

    @Override
    public MessageMetaData messageMetaData() {
        return james.messageMetaData();
    }

    @Override
    public MessageUid getUid() {
        return james.getUid();
    }

    @Override
    public ModSeq getModSeq() {
        return james.getModSeq();
    }

    @Override
    public MailboxId getMailboxId() {
        return james.getMailboxId();
    }

    @Override
    public int compareTo(MessageResult that) {
        return james.compareTo(that);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SectionedMessageResult other && james.equals(other.james);
    }

    @Override
    public int hashCode() {
        return james.hashCode();
    }
}
