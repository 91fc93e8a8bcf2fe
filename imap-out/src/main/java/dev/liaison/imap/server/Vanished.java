package dev.liaison.imap.server;

import org.apache.james.imap.api.message.UidRange;
import org.apache.james.imap.api.process.ImapProcessor.Responder;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.message.response.VanishedResponse;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.SearchQuery;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * VANISHED (EARLIER) for QRESYNC's SELECT/EXAMINE and UID FETCH (RFC 7162 §3.2.5.1, §3.2.6): the
 * UIDs of the requested ranges, up to the session's last UID, that the session does not hold, and
 * ({@link #aboveSession}) those above it, up to the folder's UIDNEXT - 1, that no message has. James
 * walked each range one UID at a time into a set, so a client asking about {@code 1:4294967295} (an
 * empty folder leaves that range as it is) could fill the heap of the whole server; here the gaps
 * between the session's UIDs are computed as ranges, in the time of the folder's size.
 */
final class Vanished {

    private Vanished() {
    }

    static void respond(SelectedMailbox selected, List<MessageRange> ranges, Responder responder) {
        List<UidRange> gone = gaps(selected, ranges);
        if (!gone.isEmpty()) {
            responder.respond(new VanishedResponse(gone.toArray(UidRange[]::new), true));
        }
    }

    /** The requested UIDs up to the last known one that the session does not hold, as ranges. */
    static List<UidRange> gaps(SelectedMailbox selected, List<MessageRange> ranges) {
        Optional<MessageUid> last = selected.getLastUid();
        if (last.isEmpty()) {
            return List.of(); // nothing known: nothing the session could be told is gone
        }
        return gaps(known(selected), ranges, last.get().asLong());
    }

    /**
     * The UIDs of {@code ranges} (each {@code from:to}; {@code to} may be {@link Long#MAX_VALUE} for
     * {@code *}) above the session's {@code last} and up to {@code top}, the folder's UIDNEXT - 1,
     * that no message of {@code mailbox} has: expunged before the session could hold them. One search,
     * only when there are such UIDs; a message that exists there arrived meanwhile and is not reported.
     */
    static Mono<List<UidRange>> aboveSession(MessageManager mailbox, MailboxSession session, List<long[]> ranges,
                                            long last, long top) {
        List<MessageRange> asked = ranges.stream()
                .filter(range -> range[1] > last && range[0] <= top)
                .map(range -> MessageRange.range(MessageUid.of(Math.max(range[0], last + 1)),
                        MessageUid.of(Math.min(range[1], top))))
                .toList();
        if (asked.isEmpty()) {
            return Mono.just(List.of());
        }
        SearchQuery existing = SearchQuery.of(SearchQuery.uid(asked.stream()
                .map(range -> new SearchQuery.UidRange(range.getUidFrom(), range.getUidTo()))
                .toArray(SearchQuery.UidRange[]::new)));
        return Flux.defer(() -> {
                    try {
                        return Flux.from(mailbox.search(existing, session));
                    } catch (MailboxException e) {
                        return Flux.error(e);
                    }
                })
                .map(MessageUid::asLong).collectList()
                .map(uids -> gaps(uids.stream().mapToLong(Long::longValue).sorted().toArray(), asked, top));
    }

    /** The requested UIDs up to {@code last} that are not in {@code known} (ascending), as ranges. */
    static List<UidRange> gaps(long[] known, List<MessageRange> ranges, long last) {
        List<long[]> gaps = new ArrayList<>();
        for (MessageRange range : ranges) {
            long from = range.getUidFrom().asLong();
            long to = Math.min(range.getUidTo().asLong(), last);
            int i = firstAtLeast(known, from);
            while (from <= to) {
                long next = i < known.length ? known[i] : Long.MAX_VALUE; // the next UID held
                if (next > from) {
                    gaps.add(new long[] {from, Math.min(next - 1, to)});
                }
                if (next >= to) {
                    break;
                }
                from = next + 1;
                i++;
            }
        }
        return merged(gaps);
    }

    /** The UIDs of {@code a} and {@code b} as ranges, overlapping and adjacent ones joined. */
    static List<UidRange> union(List<UidRange> a, List<UidRange> b) {
        List<long[]> all = new ArrayList<>();
        for (List<UidRange> ranges : List.of(a, b)) {
            for (UidRange range : ranges) {
                all.add(new long[] {range.getLowVal().asLong(), range.getHighVal().asLong()});
            }
        }
        return merged(all);
    }

    /** Overlapping or adjacent gaps (from overlapping requested ranges) as one range each. */
    private static List<UidRange> merged(List<long[]> gaps) {
        gaps.sort((a, b) -> Long.compare(a[0], b[0]));
        List<UidRange> gone = new ArrayList<>();
        long[] open = null;
        for (long[] gap : gaps) {
            if (open != null && gap[0] <= open[1] + 1) {
                open[1] = Math.max(open[1], gap[1]);
            } else {
                if (open != null) {
                    gone.add(new UidRange(MessageUid.of(open[0]), MessageUid.of(open[1])));
                }
                open = gap.clone();
            }
        }
        if (open != null) {
            gone.add(new UidRange(MessageUid.of(open[0]), MessageUid.of(open[1])));
        }
        return gone;
    }

    /** The session's UIDs in ascending order (message sequence numbers follow UIDs). */
    private static long[] known(SelectedMailbox selected) {
        long[] uids = new long[(int) selected.existsCount()];
        for (int msn = 1; msn <= uids.length; msn++) {
            uids[msn - 1] = selected.uid(msn).map(MessageUid::asLong).orElse(Long.MAX_VALUE);
        }
        return uids;
    }

    private static int firstAtLeast(long[] sorted, long value) {
        int low = 0;
        int high = sorted.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (sorted[mid] < value) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }
}
