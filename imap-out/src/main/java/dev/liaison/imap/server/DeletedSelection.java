package dev.liaison.imap.server;

import org.apache.james.imap.api.ImapConstants;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.request.ImapRequest;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;

/**
 * The folder a session has selected was deleted by another session (on this process or, through
 * the event bus's notifications, another). RFC 2180 §4.1.2 lets a server end the other sessions
 * with {@code * BYE}, and Dovecot does ("Mailbox was deleted"): the client connects again and
 * finds the folder gone from LIST. James let the session go on with a selected folder that no
 * longer exists, answering NO to every command (each with an ERROR line and a stack trace) until
 * the client selected again, which most clients never do on their own. Asked before each command
 * (a flag James's selected mailbox keeps, no database read) and during IDLE when the deletion
 * arrives ({@link IdleProcessor}).
 */
final class DeletedSelection {

    /** The {@code * BYE} text. */
    static final HumanReadableText GONE = new HumanReadableText("dev.liaison.imap.SELECTED_FOLDER_DELETED",
            "The selected folder was deleted by another session; connect again");

    private DeletedSelection() {
    }

    /** Whether {@code message} must not run: its session's selected folder was deleted elsewhere (LOGOUT still runs). */
    static boolean before(ImapMessage message, ImapSession session) {
        SelectedMailbox selected = session.getSelected();
        return selected != null && selected.isDeletedByOtherSession()
                && !(message instanceof ImapRequest request && ImapConstants.LOGOUT_COMMAND.equals(request.getCommand()));
    }
}
