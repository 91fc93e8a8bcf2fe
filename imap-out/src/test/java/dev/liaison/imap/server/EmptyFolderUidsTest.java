package dev.liaison.imap.server;

import org.apache.james.imap.api.message.IdRange;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.model.MessageRange;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Which store range a UID set means in a folder the session sees empty ({@link EmptyFolderUids}):
 * numbers as James sends them elsewhere (the store may hold messages the session has not heard
 * of yet), {@code *} alone nothing. {@code UidSetTest} covers the answers over a socket.
 */
class EmptyFolderUidsTest {

    private static final long STAR = Long.MAX_VALUE;

    @Test
    void explicitUidsGoToTheStoreAsJamesSendsThem() {
        assertEquals(Optional.of(MessageRange.one(MessageUid.of(7))), EmptyFolderUids.range(true, new IdRange(7), true));
        assertEquals(Optional.of(MessageRange.range(MessageUid.of(4), MessageUid.of(9))),
                EmptyFolderUids.range(true, new IdRange(4, 9), true));
        assertEquals(Optional.of(MessageRange.from(MessageUid.of(7))), EmptyFolderUids.range(true, new IdRange(7, STAR), true),
                "7:* reaches the store's UIDs from 7 on, as James's range does in a folder with messages");
    }

    @Test
    void aStarAloneIsTheUidNextOfAnEmptyFolderAndSelectsNothing() {
        assertEquals(Optional.of(EmptyFolderUids.NO_MESSAGE), EmptyFolderUids.range(true, new IdRange(STAR), true));
        assertEquals(Optional.of(EmptyFolderUids.NO_MESSAGE), EmptyFolderUids.range(true, new IdRange(STAR, STAR), true));
    }

    @Test
    void sequenceNumbersAndFoldersWithMessagesAreLeftToJames() {
        assertEquals(Optional.empty(), EmptyFolderUids.range(true, new IdRange(7), false));
        assertEquals(Optional.empty(), EmptyFolderUids.range(false, new IdRange(7), true));
        assertEquals(Optional.empty(), EmptyFolderUids.range(false, new IdRange(STAR), true));
    }
}
