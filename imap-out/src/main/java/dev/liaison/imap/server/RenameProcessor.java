package dev.liaison.imap.server;

import dev.liaison.imap.store.FolderTree;
import dev.liaison.imap.store.PostgresMailboxManager;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.main.PathConverter;
import org.apache.james.imap.message.request.RenameRequest;
import org.apache.james.mailbox.exception.MailboxExistsException;
import org.apache.james.mailbox.exception.MailboxNotFoundException;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.metrics.api.MetricFactory;
import reactor.core.publisher.Mono;

import java.util.Optional;

/**
 * RENAME refused with {@code NO [CANNOT]} (RFC 5530 §3) before James's processor, changing nothing,
 * in two cases:
 * <ul>
 *   <li>a new name the store does not take ({@link NewFolderName}): James answered "RENAME
 *       processing failed" and logged the client's mistake at ERROR with a stack trace;</li>
 *   <li>a new name inside the folder's own subtree ({@code RENAME M1 M1.child}), as Dovecot and
 *       Cyrus refuse it: James's manager answered OK and renamed the folder twice
 *       ({@code M1.child.child}). The store refuses it too ({@link FolderTree}); this check gives
 *       the client the response code and the store is not asked. Not INBOX, whose rename leaves
 *       the folders below it where they are ({@link #renameInbox}).</li>
 * </ul>
 */
final class RenameProcessor extends org.apache.james.imap.processor.RenameProcessor {

    private static final HumanReadableText INTO_ITSELF = new HumanReadableText("liaison.rename.into.itself",
            "a folder cannot be renamed into itself or a folder below it; choose a name outside it");

    private final PostgresMailboxManager store;

    RenameProcessor(PostgresMailboxManager mailboxes, StatusResponseFactory responses, MetricFactory metrics) {
        super(mailboxes, responses, metrics);
        this.store = mailboxes;
    }

    @Override
    protected Mono<Void> processRequestReactive(RenameRequest request, ImapSession session, Responder responder) {
        var problem = NewFolderName.problem(request.getNewName(), session);
        if (problem.isPresent()) {
            return Mono.fromRunnable(() -> no(request, responder, problem.get(), ResponseCodeEncoder.CANNOT));
        }
        Optional<MailboxPath> inboxTo = inboxTo(request, session);
        if (inboxTo.isPresent()) {
            return renameInbox(request, inboxTo.get(), session, responder);
        }
        if (intoItself(request, session)) {
            return Mono.fromRunnable(() -> no(request, responder, INTO_ITSELF, ResponseCodeEncoder.CANNOT));
        }
        return super.processRequestReactive(request, session, responder);
    }

    /**
     * RENAME INBOX (RFC 3501 §6.3.5): a new folder with INBOX's messages, INBOX left empty, the
     * folders below INBOX where they are ({@code RENAME INBOX INBOX.old} too). James's manager
     * renamed the INBOX row and its children and then made another INBOX; the store moves the
     * messages in one transaction instead ({@code PostgresMailboxManager.renameInbox}). Sessions
     * with INBOX selected, this one too, hear EXPUNGE; the answers James gives a taken name
     * ({@code [ALREADYEXISTS]}) or a missing INBOX stay.
     */
    private Mono<Void> renameInbox(RenameRequest request, MailboxPath to, ImapSession session, Responder responder) {
        return store.renameInbox(to, session.getMailboxSession())
                .then(Mono.fromRunnable(() -> okComplete(request, responder)))
                .onErrorResume(MailboxExistsException.class,
                        e -> Mono.fromRunnable(() -> no(request, responder, HumanReadableText.MAILBOX_EXISTS)))
                .onErrorResume(MailboxNotFoundException.class,
                        e -> Mono.fromRunnable(() -> no(request, responder, HumanReadableText.MAILBOX_NOT_FOUND)))
                .then(unsolicitedResponses(session, responder, false));
    }

    /**
     * The new name, when the folder renamed is the session's own INBOX and the new name one of its
     * own folders; otherwise James's processor answers (another user's name is refused there).
     */
    private static Optional<MailboxPath> inboxTo(RenameRequest request, ImapSession session) {
        if (!InboxName.names(request.getExistingName(), session)) {
            return Optional.empty();
        }
        try {
            MailboxPath to = PathConverter.forSession(session).buildFullPath(request.getNewName())
                    .sanitize(FolderTree.DELIMITER);
            return to.belongsTo(session.getMailboxSession()) ? Optional.of(to) : Optional.empty();
        } catch (RuntimeException unreadable) {
            return Optional.empty(); // James's processor refuses it in its own words
        }
    }

    private static boolean intoItself(RenameRequest request, ImapSession session) {
        try {
            PathConverter names = PathConverter.forSession(session);
            MailboxPath from = names.buildFullPath(request.getExistingName());
            MailboxPath to = names.buildFullPath(request.getNewName()).sanitize(FolderTree.DELIMITER); // "A." is A
            return FolderTree.contains(from, to) && !from.equals(to); // the same name: James answers that it exists
        } catch (RuntimeException unreadable) {
            return false; // James's processor refuses it in its own words
        }
    }
}
