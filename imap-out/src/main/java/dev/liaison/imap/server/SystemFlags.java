package dev.liaison.imap.server;

import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.request.ImapRequest;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.message.request.AppendRequest;
import org.apache.james.imap.message.request.StoreRequest;

import javax.mail.Flags;
import java.io.IOException;
import java.util.Arrays;

/**
 * Flags written as system flags ({@code \name}) must be ones the protocol defines (RFC 9051 §2.3.2:
 * "a flag name that is pre-defined in this specification and begins with \"): \Answered, \Flagged,
 * \Deleted, \Seen, \Draft. James's parser took any other ({@code \Bogus}) for a keyword, stored it
 * and announced it in FLAGS and PERMANENTFLAGS for good. A STORE or APPEND naming one is answered
 * {@code BAD} and changes nothing, as Dovecot answers ("Invalid system flag"); \Recent James
 * refuses itself.
 */
final class SystemFlags {

    private static final HumanReadableText INVALID = new HumanReadableText("org.apache.james.imap.INVALID_SYSTEM_FLAG",
            "failed. Invalid system flag (the system flags are \\Answered \\Flagged \\Deleted \\Seen \\Draft).");

    private SystemFlags() {
    }

    /** {@code message}, or its {@code BAD} if it stores or appends a system flag that does not exist. */
    static ImapMessage checked(ImapMessage message, StatusResponseFactory responses) {
        if (message instanceof StoreRequest store && invalid(store.getFlags())
                || message instanceof AppendRequest append && invalid(append.getFlags())) {
            ImapRequest request = (ImapRequest) message;
            discard(message);
            return responses.taggedBad(request.getTag(), request.getCommand(), INVALID);
        }
        return message;
    }

    /** Whether {@code flags} holds a user flag written as a system flag (James's parser mapped the real ones). */
    private static boolean invalid(Flags flags) {
        return Arrays.stream(flags.getUserFlags()).anyMatch(flag -> flag.startsWith("\\"));
    }

    /** An APPEND's message may be a temporary file. */
    private static void discard(ImapMessage message) {
        if (message instanceof AppendRequest append) {
            try {
                append.close();
            } catch (IOException e) {
                // the literal is dropped either way
            }
        }
    }
}
