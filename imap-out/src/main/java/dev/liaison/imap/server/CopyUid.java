package dev.liaison.imap.server;

import org.apache.james.imap.api.message.IdRange;
import org.apache.james.imap.api.message.response.StatusResponse.ResponseCode;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.message.request.AbstractMessageRangeRequest;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MessageRangeException;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.UidValidity;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The source half of COPYUID (RFC 4315 §3: "the UIDs of the source messages ... in the same order
 * as" the new ones). James writes the request's set as given: message sequence numbers for COPY
 * and MOVE without UID, and for UID COPY/MOVE UIDs that may not exist ({@code 1:100} when only
 * 3 and 5 do), so the two halves did not correspond. Here the source UIDs are read from the
 * store before the command runs, with the same range conversion James then copies or moves by.
 */
final class CopyUid {

    /** James's conversion of a request's range into store UIDs (protected in its processors). */
    @FunctionalInterface
    interface RangeResolver {
        Optional<MessageRange> resolve(SelectedMailbox selected, IdRange range, boolean useUids) throws MessageRangeException;
    }

    private CopyUid() {
    }

    /** The UIDs, ascending, of the messages {@code request} names; empty if it names none or is invalid. */
    static Mono<List<MessageUid>> sources(AbstractMessageRangeRequest request, ImapSession session,
                                          RangeResolver resolver) {
        SelectedMailbox selected = session.getSelected();
        if (selected == null) {
            return Mono.just(List.of());
        }
        List<MessageRange> ranges = new ArrayList<>();
        try {
            for (IdRange range : request.getIdSet()) {
                resolver.resolve(selected, range, request.isUseUids()).ifPresent(ranges::add);
            }
        } catch (MessageRangeException e) {
            return Mono.just(List.of()); // James answers the command BAD itself
        }
        return Flux.fromIterable(ranges)
                .concatMap(range -> selected.getMessageManager().listMessagesMetadata(range, session.getMailboxSession()))
                .map(m -> m.getComposedMessageId().getUid())
                .distinct()
                .sort()
                .collectList();
    }

    /**
     * James's COPYUID code with {@code sources} as its source set; {@code code} itself if it is no
     * COPYUID. None when nothing was copied: James wrote {@code [COPYUID v 1:2 *]}, and a uid-set
     * has no {@code *} (RFC 4315 §4); like Dovecot, the OK then carries no COPYUID. None either when
     * fewer messages were copied than {@code sources} names (another session took some away
     * meanwhile): which of them were is not known here, and James's request set paired with the
     * new UIDs told the client a wrong copy of a message (RFC 4315 §3 pairs them in order).
     */
    static Optional<ResponseCode> withSources(ResponseCode code, List<MessageUid> sources) {
        if (code == null || !"COPYUID".equals(code.getCode()) || code.getParameters().size() != 2) {
            return Optional.ofNullable(code);
        }
        List<String> parameters = List.copyOf(code.getParameters());
        IdRange[] targets;
        try {
            targets = parse(parameters.get(1));
        } catch (NumberFormatException e) {
            return Optional.empty(); // "*": nothing was copied
        }
        long copied = 0;
        for (IdRange target : targets) {
            copied += target.getHighVal() - target.getLowVal() + 1;
        }
        if (copied != sources.size()) {
            return Optional.empty();
        }
        List<IdRange> source = new ArrayList<>();
        sources.forEach(uid -> source.add(new IdRange(uid.asLong())));
        return Optional.of(ResponseCode.copyUid(UidValidity.of(code.getNumber()),
                IdRange.mergeRanges(source).toArray(IdRange[]::new), targets));
    }

    private static IdRange[] parse(String set) {
        List<IdRange> ranges = new ArrayList<>();
        for (String part : set.split(",")) {
            int colon = part.indexOf(':');
            ranges.add(colon < 0 ? new IdRange(Long.parseLong(part))
                    : new IdRange(Long.parseLong(part.substring(0, colon)), Long.parseLong(part.substring(colon + 1))));
        }
        return ranges.toArray(IdRange[]::new);
    }
}
