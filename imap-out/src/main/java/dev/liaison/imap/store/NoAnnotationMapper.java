package dev.liaison.imap.store;

import org.apache.james.mailbox.model.MailboxAnnotation;
import org.apache.james.mailbox.model.MailboxAnnotationKey;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.store.mail.AnnotationMapper;

import java.util.List;
import java.util.Set;

/**
 * Folders carry no annotations: the server does not announce METADATA (RFC 5464), so nothing
 * stores one; reads are empty and a write is refused.
 */
final class NoAnnotationMapper implements AnnotationMapper {

    @Override
    public List<MailboxAnnotation> getAllAnnotations(MailboxId mailboxId) {
        return List.of();
    }

    @Override
    public List<MailboxAnnotation> getAnnotationsByKeys(MailboxId mailboxId, Set<MailboxAnnotationKey> keys) {
        return List.of();
    }

    @Override
    public List<MailboxAnnotation> getAnnotationsByKeysWithOneDepth(MailboxId mailboxId, Set<MailboxAnnotationKey> keys) {
        return List.of();
    }

    @Override
    public List<MailboxAnnotation> getAnnotationsByKeysWithAllDepth(MailboxId mailboxId, Set<MailboxAnnotationKey> keys) {
        return List.of();
    }

    @Override
    public void deleteAnnotation(MailboxId mailboxId, MailboxAnnotationKey key) {
        // nothing is stored, so nothing to delete
    }

    @Override
    public void insertAnnotation(MailboxId mailboxId, MailboxAnnotation annotation) {
        throw new UnsupportedOperationException("mailbox annotations (METADATA) are not supported");
    }

    @Override
    public boolean exist(MailboxId mailboxId, MailboxAnnotation annotation) {
        return false;
    }

    @Override
    public int countAnnotations(MailboxId mailboxId) {
        return 0;
    }
}
