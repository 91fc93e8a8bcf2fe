package dev.liaison.imap.server;

import org.apache.james.mailbox.MessageSequenceNumber;
import org.apache.james.imap.message.response.FetchResponse;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.junit.jupiter.api.Test;

import javax.mail.Flags;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What one answer leaves out as a repeat, and what it must still write. */
class ToldFlagsTest {

    private static FetchResponse fetch(int msn, Flags flags, Long uid, Long modSeq) {
        return new FetchResponse(MessageSequenceNumber.of(msn), flags, uid == null ? null : MessageUid.of(uid),
                Optional.empty(), modSeq == null ? null : ModSeq.of(modSeq), null, null, null, null, null, null,
                null, null);
    }

    private static Flags flags(String... keywords) {
        Flags flags = new Flags(Flags.Flag.SEEN);
        for (String keyword : keywords) {
            flags.add(keyword);
        }
        return flags;
    }

    @Test
    void theSameFlagsAgainAreARepeatWhateverTheKeywordsCaseAndOrder() {
        ToldFlags told = new ToldFlags();
        assertFalse(told.repeats(fetch(3, flags("$Work", "$Later"), 30L, 7L)));
        assertTrue(told.repeats(fetch(3, flags("$later", "$WORK"), 30L, 7L)));
        assertTrue(told.repeats(fetch(3, flags("$Work", "$Later"), 30L, null)), "no MODSEQ: the flags decide");
    }

    @Test
    void anythingThatDiffersIsWritten() {
        ToldFlags told = new ToldFlags();
        assertFalse(told.repeats(fetch(1, flags("$A"), 10L, 5L)));
        assertFalse(told.repeats(fetch(1, flags("$B"), 10L, 5L)), "another keyword");
        assertFalse(told.repeats(fetch(1, new Flags(Flags.Flag.FLAGGED), 10L, 5L)), "another system flag");
        assertFalse(told.repeats(fetch(1, new Flags(Flags.Flag.FLAGGED), 10L, 6L)), "a later change back");
        assertFalse(told.repeats(fetch(2, new Flags(Flags.Flag.FLAGGED), 11L, 6L)), "another message");
    }

    @Test
    void aLineThatAddsTheUidOrMoreThanFlagsIsWritten() {
        ToldFlags told = new ToldFlags();
        assertFalse(told.repeats(fetch(4, flags(), null, null)));
        assertFalse(told.repeats(fetch(4, flags(), 40L, null)), "the UID the client asked for");
        FetchResponse withSize = new FetchResponse(MessageSequenceNumber.of(4), flags(), MessageUid.of(40),
                Optional.empty(), null, null, 1234L, null, null, null, null, null, null);
        assertFalse(told.repeats(withSize), "not only flags");
    }

    @Test
    void anExpungeForgetsWhatWasShownAndFarMessageNumbersNeedNoEarlierOnes() {
        ToldFlags told = new ToldFlags();
        assertFalse(told.repeats(fetch(100_000, flags(), 1L, 2L)));
        assertTrue(told.repeats(fetch(100_000, flags(), 1L, 2L)));
        told.expunged();
        assertFalse(told.repeats(fetch(100_000, flags(), 1L, 2L)), "renumbered: not the same message any more");
        assertFalse(told.repeats(fetch(1, flags(), 1L, 2L)));
    }
}
