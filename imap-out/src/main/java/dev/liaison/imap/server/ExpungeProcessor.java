package dev.liaison.imap.server;

import org.apache.james.imap.api.message.IdRange;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.exception.MessageRangeException;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.metrics.api.MetricFactory;

import java.util.Optional;

/**
 * EXPUNGE and UID EXPUNGE (RFC 9051 §6.4.3, §6.4.9): James's, with UID EXPUNGE in an empty folder
 * answered OK ({@link EmptyFolderUids}).
 */
final class ExpungeProcessor extends org.apache.james.imap.processor.ExpungeProcessor {

    ExpungeProcessor(MailboxManager mailboxes, StatusResponseFactory responses, MetricFactory metrics) {
        super(mailboxes, responses, metrics);
    }

    @Override
    protected Optional<MessageRange> messageRange(SelectedMailbox selected, IdRange range, boolean useUids)
            throws MessageRangeException {
        Optional<MessageRange> empty = EmptyFolderUids.inEmptyView(selected, range, useUids);
        return empty.isPresent() ? empty : super.messageRange(selected, range, useUids);
    }
}
