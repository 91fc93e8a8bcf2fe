package dev.liaison.imap.server;

import org.apache.james.imap.api.message.UidRange;
import org.apache.james.imap.api.process.ImapProcessor.Responder;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.message.response.VanishedResponse;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.model.MessageRange;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * VANISHED (EARLIER) for QRESYNC's SELECT/EXAMINE and UID FETCH (RFC 7162 §3.2.5.1, §3.2.6): the
 * UIDs of the requested ranges, up to the session's last UID, that the session does not hold. James
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
