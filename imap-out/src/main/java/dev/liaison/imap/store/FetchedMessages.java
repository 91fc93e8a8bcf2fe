package dev.liaison.imap.store;

import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.model.MessageResult;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The messages one FETCH reads, handed from the store to the FETCH processor beside James's
 * responses (the collector travels in the Reactor context). James writes header lines through
 * US-ASCII, so a FETCH that asks for header lines rewrites them from the message itself; see
 * {@code dev.liaison.imap.server.HeaderLines}. Each message is held only until its response is
 * written: James builds a message's response right after the store hands it out.
 */
public final class FetchedMessages {

    private static final String KEY = FetchedMessages.class.getName();

    private final Map<MessageUid, MessageResult> messages = new ConcurrentHashMap<>();

    /** A Reactor context carrying this collector to the store. */
    public Context context() {
        return Context.of(KEY, this);
    }

    static Optional<FetchedMessages> in(ContextView context) {
        return context.getOrEmpty(KEY);
    }

    void record(MessageResult result) {
        messages.put(result.getUid(), result);
    }

    /** Message {@code uid} as the store read it for this FETCH, forgotten here. */
    public Optional<MessageResult> take(MessageUid uid) {
        return Optional.ofNullable(messages.remove(uid));
    }
}
