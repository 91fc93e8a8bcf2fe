package dev.liaison.imap.server;

import dev.liaison.imap.store.FolderTree;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.main.PathConverter;
import org.apache.james.imap.message.request.RenameRequest;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.metrics.api.MetricFactory;
import reactor.core.publisher.Mono;

/**
 * RENAME refused with {@code NO [CANNOT]} (RFC 5530 §3) before James's processor, changing nothing,
 * in two cases:
 * <ul>
 *   <li>a new name the store does not take ({@link NewFolderName}): James answered "RENAME
 *       processing failed" and logged the client's mistake at ERROR with a stack trace;</li>
 *   <li>a new name inside the folder's own subtree ({@code RENAME M1 M1.child}), as Dovecot and
 *       Cyrus refuse it: James's manager answered OK and renamed the folder twice
 *       ({@code M1.child.child}). The store refuses it too ({@link FolderTree}); this check gives
 *       the client the response code and the store is not asked.</li>
 * </ul>
 */
final class RenameProcessor extends org.apache.james.imap.processor.RenameProcessor {

    private static final HumanReadableText INTO_ITSELF = new HumanReadableText("liaison.rename.into.itself",
            "a folder cannot be renamed into itself or a folder below it; choose a name outside it");

    RenameProcessor(MailboxManager mailboxes, StatusResponseFactory responses, MetricFactory metrics) {
        super(mailboxes, responses, metrics);
    }

    @Override
    protected Mono<Void> processRequestReactive(RenameRequest request, ImapSession session, Responder responder) {
        var problem = NewFolderName.problem(request.getNewName(), session);
        if (problem.isPresent()) {
            return Mono.fromRunnable(() -> no(request, responder, problem.get(), ResponseCodeEncoder.CANNOT));
        }
        if (intoItself(request, session)) {
            return Mono.fromRunnable(() -> no(request, responder, INTO_ITSELF, ResponseCodeEncoder.CANNOT));
        }
        return super.processRequestReactive(request, session, responder);
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
