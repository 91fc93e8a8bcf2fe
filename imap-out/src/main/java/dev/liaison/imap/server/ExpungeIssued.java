package dev.liaison.imap.server;

import dev.liaison.imap.store.WholeSet;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.IdRange;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapProcessor.Responder;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.message.request.AbstractMessageRangeRequest;
import org.apache.james.mailbox.MessageUid;
import reactor.core.publisher.Mono;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * COPY and MOVE by message sequence numbers when another session expunged a message the client
 * named (RFC 2180 §4.4): James read the set as UIDs and copied or moved what was left, answering
 * OK, so the client believed the expunged message copied. Such a command is now refused with
 * {@code NO [EXPUNGEISSUED]} (RFC 5530) and nothing copied or moved, as Dovecot answers; the client
 * hears the EXPUNGE at its next command (NOOP) and can ask again. Checked before the command runs
 * (the store's UIDs of the set against the session's), and in the store for an expunge while it
 * runs ({@link WholeSet}). UID COPY and UID MOVE ignore UIDs that no longer exist (RFC 9051
 * §6.4.9) and copy or move the rest, as before.
 */
final class ExpungeIssued {

    private static final HumanReadableText SOME_GONE = new HumanReadableText("dev.liaison.imap.EXPUNGE_ISSUED",
            "Some of the requested messages no longer exist (expunged by another session); nothing was copied"
                    + " or moved. NOOP shows which, then ask again");

    private ExpungeIssued() {
    }

    /**
     * Runs {@code command} (James's COPY or MOVE) unless {@code request} names by sequence number a
     * message {@code sources} (the store's UIDs of its set) no longer holds; then, and when the
     * store finds one gone while it runs, answers {@code NO [EXPUNGEISSUED]} through {@code responder}.
     */
    static Mono<Void> orRefuse(AbstractMessageRangeRequest request, SelectedMailbox selected, List<MessageUid> sources,
                               StatusResponseFactory responses, Responder responder, Supplier<Mono<Void>> command) {
        Optional<Set<MessageUid>> named = named(request, selected);
        if (named.isEmpty()) {
            return command.get();
        }
        if (!new HashSet<>(sources).containsAll(named.get())) { // a set: 1:* of a large folder names thousands
            return Mono.fromRunnable(() -> refuse(request, responses, responder));
        }
        return command.get()
                .contextWrite(new WholeSet(named.get()).context())
                .onErrorResume(WholeSet.Lost.class, lost -> Mono.fromRunnable(() -> refuse(request, responses, responder)));
    }

    private static void refuse(AbstractMessageRangeRequest request, StatusResponseFactory responses, Responder responder) {
        responder.respond(responses.taggedNo(request.getTag(), request.getCommand(), SOME_GONE,
                ResponseCodeEncoder.EXPUNGEISSUED));
        responder.flush();
    }

    /**
     * The session's UIDs of the messages a request names by sequence number; empty for UID COPY/MOVE
     * and for a set James refuses ({@code BAD}, a number beyond the messages the session knows).
     */
    private static Optional<Set<MessageUid>> named(AbstractMessageRangeRequest request, SelectedMailbox selected) {
        if (request.isUseUids() || selected == null) {
            return Optional.empty();
        }
        long known = selected.existsCount();
        Set<MessageUid> uids = new TreeSet<>();
        for (IdRange range : request.getIdSet()) {
            long low = number(range.getLowVal(), known);
            long high = number(range.getHighVal(), known);
            if (Math.max(low, high) > known || Math.min(low, high) < 1) {
                return Optional.empty();
            }
            for (long msn = Math.min(low, high); msn <= Math.max(low, high); msn++) {
                Optional<MessageUid> uid = selected.uid((int) msn);
                if (uid.isEmpty()) {
                    return Optional.empty();
                }
                uids.add(uid.get());
            }
        }
        return Optional.of(uids);
    }

    /** A sequence number as written, {@code *} (James's {@code Long.MAX_VALUE}) the last the session knows. */
    private static long number(long value, long known) {
        return value == Long.MAX_VALUE ? known : value;
    }
}
