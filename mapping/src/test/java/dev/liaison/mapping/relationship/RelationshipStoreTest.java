package dev.liaison.mapping.relationship;

import dev.liaison.mapping.MappingSchema;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.TestPostgres;
import dev.liaison.mapping.user.Login;
import dev.liaison.mapping.user.PasswordHash;
import dev.liaison.mapping.user.PostgresUserStore;
import dev.liaison.mapping.user.UnknownUserException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The relationship store's contract, on every PostgreSQL the tests can reach. */
@ParameterizedClass
@MethodSource("dev.liaison.mapping.database.TestPostgres#available")
class RelationshipStoreTest {

    private static final Login ALEX = Login.of("alex");
    private static final Login BLAIR = Login.of("blair");

    @Parameter
    TestPostgres postgres;

    private Database db;
    private final PostgresUserStore users = new PostgresUserStore();
    private final RelationshipStore relationships = new PostgresRelationshipStore();

    @BeforeEach
    void migrate() throws SQLException {
        db = postgres.freshDatabase();
        db.migrate(MappingSchema.SCHEMA);
        PasswordHash hash = PasswordHash.create("pw".toCharArray());
        db.inTransaction(c -> users.add(c, ALEX, "Alex", hash));
        db.inTransaction(c -> users.add(c, BLAIR, "Blair", hash));
    }

    @AfterEach
    void close() {
        db.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private Relationship created(Login owner, String peer, String state) throws SQLException {
        return db.inTransaction(c -> relationships.create(c, owner, peer, bytes(state)));
    }

    @Test
    void createdRelationshipIsReadBackPendingAtVersionOneWithItsBytes() throws SQLException {
        Relationship created = created(ALEX, "Blair at work", "state-0");
        Relationship found = db.inTransaction(c -> relationships.find(c, created.id())).orElseThrow();
        assertEquals(created, found);
        assertEquals(ALEX, found.owner());
        assertEquals("Blair at work", found.peerName());
        assertEquals(RelationshipState.PENDING, found.state());
        assertEquals(1, found.stateVersion());
        assertArrayEquals(bytes("state-0"), found.protocolState().bytes());
    }

    @Test
    void renamedPeerIsReadBackAndABadNameChangesNothing() throws SQLException {
        long id = created(ALEX, "invited", "state-0").id();
        assertEquals("Blair", db.inTransaction(c -> relationships.renamePeer(c, id, "Blair")).peerName());
        assertThrows(InvalidRelationshipException.class,
                () -> db.inTransaction(c -> relationships.renamePeer(c, id, "evil\r\nBcc: x")));
        assertEquals("Blair", db.inTransaction(c -> relationships.find(c, id)).orElseThrow().peerName());
        assertThrows(UnknownRelationshipException.class,
                () -> db.inTransaction(c -> relationships.renamePeer(c, id + 1000, "Blair")));
    }

    @Test
    void savedStateIsReadBackWithTheVersionBumpedEachTime() throws SQLException {
        long id = created(ALEX, "Blair", "state-0").id();
        Relationship first = db.inTransaction(c -> relationships.saveState(c, id, 1, bytes("state-1")));
        Relationship second = db.inTransaction(c -> relationships.saveState(c, id, 2, bytes("state-2")));
        assertEquals(2, first.stateVersion());
        assertEquals(3, second.stateVersion());
        Relationship locked = db.inTransaction(c -> relationships.lock(c, id));
        assertEquals(3, locked.stateVersion());
        assertArrayEquals(bytes("state-2"), locked.protocolState().bytes());
    }

    @Test
    void protocolStateCannotBeChangedThroughTheArraysPassedInOrHandedOut() throws SQLException {
        byte[] input = bytes("secret");
        Relationship created = db.inTransaction(c -> relationships.create(c, ALEX, "Blair", input));
        input[0] = 'X';
        created.protocolState().bytes()[1] = 'X';
        assertArrayEquals(bytes("secret"), created.protocolState().bytes());
        assertArrayEquals(bytes("secret"),
                db.inTransaction(c -> relationships.find(c, created.id())).orElseThrow().protocolState().bytes());
    }

    @Test
    void toStringShowsTheStateLengthButNeverItsBytes() throws SQLException {
        Relationship created = created(ALEX, "Blair", "TOP-SECRET-RATCHET");
        String text = created.toString();
        assertTrue(text.contains("ProtocolState[18 bytes]"), text);
        assertFalse(text.contains("TOP-SECRET"), text);
        assertFalse(text.contains("84, 79, 80"), text); // nor as a list of numbers
    }

    @Test
    void staleVersionIsRefusedAndNothingChanges() throws SQLException {
        long id = created(ALEX, "Blair", "state-0").id();
        db.inTransaction(c -> relationships.saveState(c, id, 1, bytes("state-1")));
        var e = assertThrows(StaleRelationshipStateException.class,
                () -> db.inTransaction(c -> relationships.saveState(c, id, 1, bytes("forked"))));
        assertEquals("protocol state of relationship " + id + " is at version 2, not 1 as read;"
                + " roll back, lock the relationship and read it again", e.getMessage());
        Relationship after = db.inTransaction(c -> relationships.find(c, id)).orElseThrow();
        assertEquals(2, after.stateVersion());
        assertArrayEquals(bytes("state-1"), after.protocolState().bytes());
    }

    @Test
    void rowLockMakesASecondTransactionWaitUntilTheFirstCommitsThenSeeTheNewVersion() throws Exception {
        long id = created(ALEX, "Blair", "state-0").id();
        CountDownLatch firstLocked = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        CountDownLatch secondStarted = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CompletableFuture<Relationship> first = CompletableFuture.supplyAsync(() -> transaction(() ->
                    db.inTransaction(c -> {
                        Relationship r = relationships.lock(c, id);
                        firstLocked.countDown();
                        assertTrue(releaseFirst.await(30, TimeUnit.SECONDS));
                        return relationships.saveState(c, id, r.stateVersion(), bytes("by-first"));
                    })), pool);
            assertTrue(firstLocked.await(30, TimeUnit.SECONDS));
            CompletableFuture<Relationship> second = CompletableFuture.supplyAsync(() -> transaction(() ->
                    db.inTransaction(c -> {
                        secondStarted.countDown();
                        Relationship r = relationships.lock(c, id);
                        return relationships.saveState(c, id, r.stateVersion(), bytes("by-second"));
                    })), pool);
            assertTrue(secondStarted.await(30, TimeUnit.SECONDS));
            // The second transaction must be blocked on the row lock: PostgreSQL reports it waiting.
            waitUntilALockWaitIsReported();
            assertFalse(second.isDone(), "second transaction got the row while the first held it");
            releaseFirst.countDown();
            assertEquals(2, first.get(30, TimeUnit.SECONDS).stateVersion());
            Relationship afterSecond = second.get(30, TimeUnit.SECONDS);
            assertEquals(3, afterSecond.stateVersion(), "second should have read version 2 after the first committed");
            assertArrayEquals(bytes("by-second"), afterSecond.protocolState().bytes());
        } finally {
            releaseFirst.countDown();
            pool.shutdownNow();
        }
    }

    private void waitUntilALockWaitIsReported() throws Exception {
        for (int i = 0; i < 300; i++) {
            int waiting = db.inTransaction(c -> {
                try (var rs = c.createStatement().executeQuery("SELECT count(*) FROM pg_stat_activity"
                        + " WHERE datname = current_database() AND wait_event_type = 'Lock'")) {
                    rs.next();
                    return rs.getInt(1);
                }
            });
            if (waiting > 0) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no transaction was seen waiting for the relationship's row lock within 30 s");
    }

    private interface Work<T> {
        T run() throws Exception;
    }

    private static <T> T transaction(Work<T> work) {
        try {
            return work.run();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void unknownIdsAreReportedAsSuch() throws SQLException {
        assertTrue(db.inTransaction(c -> relationships.find(c, 4242)).isEmpty());
        var e = assertThrows(UnknownRelationshipException.class, () -> db.inTransaction(c -> relationships.lock(c, 4242)));
        assertEquals("no relationship 4242 (see: liaison relationship list)", e.getMessage());
        assertThrows(UnknownRelationshipException.class,
                () -> db.inTransaction(c -> relationships.saveState(c, 4242, 1, bytes("x"))));
        assertThrows(UnknownRelationshipException.class,
                () -> db.inTransaction(c -> relationships.changeState(c, 4242, RelationshipState.ACTIVE)));
    }

    @Test
    void relationshipOfUnknownUserIsRefusedAndNothingIsStored() throws SQLException {
        assertThrows(UnknownUserException.class, () -> created(Login.of("nobody"), "Blair", "x"));
        assertTrue(db.inTransaction(c -> relationships.listOf(c, ALEX)).isEmpty());
        assertEquals(0L, (long) db.inTransaction(c -> {
            try (var rs = c.createStatement().executeQuery("SELECT count(*) FROM mapping.relationships")) {
                rs.next();
                return rs.getLong(1);
            }
        }));
    }

    @Test
    void badPeerNamesAndOversizedStatesAreRefused() {
        for (String bad : new String[]{null, "", "   ", "a\nb", "x".repeat(Relationship.MAX_PEER_NAME_LENGTH + 1)}) {
            assertThrows(InvalidRelationshipException.class, () -> created(ALEX, bad, "x"), String.valueOf(bad));
        }
        var e = assertThrows(InvalidRelationshipException.class, () -> db.inTransaction(c ->
                relationships.create(c, ALEX, "Blair", new byte[ProtocolState.MAX_BYTES + 1])));
        assertEquals("protocol state of 1048577 bytes is over the limit of 1048576 bytes", e.getMessage());
        assertThrows(InvalidRelationshipException.class,
                () -> db.inTransaction(c -> relationships.create(c, ALEX, "Blair", null)));
    }

    @Test
    void stateChangesFollowTheLifecycleAndEndedIsFinal() throws SQLException {
        long id = created(ALEX, "Blair", "state-0").id();
        assertEquals(RelationshipState.ACTIVE, db.inTransaction(c -> relationships.changeState(c, id, RelationshipState.ACTIVE)).state());
        assertEquals(RelationshipState.BLOCKED, db.inTransaction(c -> relationships.changeState(c, id, RelationshipState.BLOCKED)).state());
        assertEquals(RelationshipState.ACTIVE, db.inTransaction(c -> relationships.changeState(c, id, RelationshipState.ACTIVE)).state());
        assertThrows(InvalidRelationshipException.class,
                () -> db.inTransaction(c -> relationships.changeState(c, id, RelationshipState.PENDING)));
        Relationship ended = db.inTransaction(c -> relationships.changeState(c, id, RelationshipState.ENDED));
        assertEquals(RelationshipState.ENDED, ended.state());
        for (RelationshipState next : RelationshipState.values()) {
            var e = assertThrows(EndedRelationshipException.class,
                    () -> db.inTransaction(c -> relationships.changeState(c, id, next)));
            assertEquals("relationship " + id + " has ended and cannot be changed; invite the peer again for a new one",
                    e.getMessage());
        }
        assertThrows(EndedRelationshipException.class,
                () -> db.inTransaction(c -> relationships.saveState(c, id, ended.stateVersion(), bytes("after end"))));
        Relationship after = db.inTransaction(c -> relationships.find(c, id)).orElseThrow();
        assertEquals(RelationshipState.ENDED, after.state());
        assertEquals(1, after.stateVersion());
        assertArrayEquals(bytes("state-0"), after.protocolState().bytes());
    }

    @Test
    void aBlockRemembersWhatItInterruptedForTheUnblock() throws SQLException {
        long pending = created(ALEX, "Blair", "p").id();
        assertEquals(Optional.empty(), db.inTransaction(c -> relationships.stateBeforeBlock(c, pending)), "not blocked");
        db.inTransaction(c -> relationships.changeState(c, pending, RelationshipState.BLOCKED));
        db.inTransaction(c -> relationships.changeState(c, pending, RelationshipState.BLOCKED)); // twice: still pending before
        assertEquals(Optional.of(RelationshipState.PENDING), db.inTransaction(c -> relationships.stateBeforeBlock(c, pending)));
        assertEquals(RelationshipState.PENDING,
                db.inTransaction(c -> relationships.changeState(c, pending, RelationshipState.PENDING)).state(),
                "a relationship blocked while pending may go back to pending");
        assertEquals(Optional.empty(), db.inTransaction(c -> relationships.stateBeforeBlock(c, pending)));

        long requested = created(ALEX, "Casey", "r").id();
        db.inTransaction(c -> relationships.changeState(c, requested, RelationshipState.REQUESTED));
        db.inTransaction(c -> relationships.changeState(c, requested, RelationshipState.BLOCKED));
        assertEquals(Optional.of(RelationshipState.REQUESTED),
                db.inTransaction(c -> relationships.stateBeforeBlock(c, requested)));
        db.inTransaction(c -> relationships.changeState(c, requested, RelationshipState.ACTIVE));
        db.inTransaction(c -> relationships.changeState(c, requested, RelationshipState.BLOCKED));
        assertEquals(Optional.of(RelationshipState.ACTIVE), db.inTransaction(c -> relationships.stateBeforeBlock(c, requested)),
                "the latest block counts");
        assertThrows(InvalidRelationshipException.class,
                () -> db.inTransaction(c -> relationships.changeState(c, requested, RelationshipState.PENDING)),
                "one that was not pending does not become pending");
    }

    @Test
    void changingStateLeavesTheProtocolStateAndVersionAlone() throws SQLException {
        long id = created(ALEX, "Blair", "state-0").id();
        db.inTransaction(c -> relationships.saveState(c, id, 1, bytes("state-1")));
        Relationship blocked = db.inTransaction(c -> relationships.changeState(c, id, RelationshipState.BLOCKED));
        assertEquals(2, blocked.stateVersion());
        assertArrayEquals(bytes("state-1"), blocked.protocolState().bytes());
    }

    @Test
    void perUserListHoldsOnlyThatUsersRelationshipsOldestFirst() throws SQLException {
        long a1 = created(ALEX, "Blair", "a").id();
        created(BLAIR, "Alex", "b");
        long a2 = created(ALEX, "Casey", "c").id();
        assertEquals(List.of(a1, a2),
                db.inTransaction(c -> relationships.listOf(c, ALEX)).stream().map(Relationship::id).toList());
        assertEquals(List.of("Alex"),
                db.inTransaction(c -> relationships.listOf(c, BLAIR)).stream().map(Relationship::peerName).toList());
        assertTrue(db.inTransaction(c -> relationships.listOf(c, Login.of("nobody"))).isEmpty());
    }
}
