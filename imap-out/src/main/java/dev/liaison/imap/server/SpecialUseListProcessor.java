package dev.liaison.imap.server;

import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.MailboxType;
import org.apache.james.imap.api.process.MailboxTyper;
import org.apache.james.imap.message.request.ListRequest;
import org.apache.james.imap.processor.ListProcessor;
import org.apache.james.imap.processor.StatusProcessor;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.SubscriptionManager;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.metrics.api.MetricFactory;

/**
 * LIST that always shows special-use attributes (RFC 6154 §2 allows them in a plain LIST), not
 * only after {@code RETURN (SPECIAL-USE)} as James does: Apple Mail, K-9 and others find Sent and
 * Drafts by a plain LIST and would otherwise create folders of their own.
 */
final class SpecialUseListProcessor extends ListProcessor<ListRequest> {

    private final MailboxTyper typer;

    SpecialUseListProcessor(MailboxManager mailboxes, StatusResponseFactory responses, MetricFactory metrics,
                            SubscriptionManager subscriptions, StatusProcessor status, MailboxTyper typer) {
        super(mailboxes, responses, metrics, subscriptions, status, typer);
        this.typer = typer;
    }

    @Override
    protected MailboxType getMailboxType(ListRequest request, ImapSession session, MailboxPath path) {
        return typer.getMailboxType(session, path);
    }
}
