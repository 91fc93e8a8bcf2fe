package dev.liaison.mapping.alias;

import dev.liaison.mapping.MappingSchema;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.TestPostgres;
import dev.liaison.mapping.user.Login;
import dev.liaison.mapping.user.PasswordHash;
import dev.liaison.mapping.user.PostgresUserStore;
import dev.liaison.mapping.user.UnknownUserException;
import dev.liaison.mapping.user.UserState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.SQLException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The alias store's contract, on every PostgreSQL the tests can reach. */
@ParameterizedClass
@MethodSource("dev.liaison.mapping.database.TestPostgres#available")
class AliasStoreTest {

    @Parameter
    TestPostgres postgres;

    private Database db;
    private final PostgresUserStore users = new PostgresUserStore();
    private final AliasStore aliases = new PostgresAliasStore();
    private final AliasAddress address = AliasAddress.parse("alex.k7q2xmfd3a@gw.example");

    @BeforeEach
    void migrate() throws SQLException {
        db = postgres.freshDatabase();
        db.migrate(MappingSchema.SCHEMA);
        PasswordHash hash = PasswordHash.create("pw".toCharArray());
        db.inTransaction(c -> users.add(c, Login.of("alex"), "Alex", hash));
        db.inTransaction(c -> users.add(c, Login.of("blair"), "Blair", hash));
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void createdAliasIsFoundWithOwnerTargetAndState() throws SQLException {
        db.inTransaction(c -> aliases.create(c, Login.of("alex"), address, AliasTarget.OWNER_MAILBOX));
        Alias found = db.inTransaction(c -> aliases.find(c, address)).orElseThrow();
        assertEquals(Login.of("alex"), found.owner());
        assertEquals(AliasTarget.OWNER_MAILBOX, found.target());
        assertEquals(AliasState.ACTIVE, found.state());
        assertTrue(found.usable());
    }

    @Test
    void lookupIsCaseInsensitive() throws SQLException {
        db.inTransaction(c -> aliases.create(c, Login.of("alex"), address, AliasTarget.OWNER_MAILBOX));
        var upper = AliasAddress.parse("Alex.K7Q2XMFD3A@GW.Example");
        assertEquals(address, db.inTransaction(c -> aliases.find(c, upper)).orElseThrow().address());
    }

    @Test
    void anAddressIsNeverHandedOutTwiceEvenToAnotherUserOrAfterRemoval() throws SQLException {
        db.inTransaction(c -> aliases.create(c, Login.of("alex"), address, AliasTarget.OWNER_MAILBOX));
        db.inTransaction(c -> aliases.changeState(c, address, AliasState.REMOVED));
        var e = assertThrows(DuplicateAliasException.class, () -> db.inTransaction(c ->
                aliases.create(c, Login.of("blair"), address, AliasTarget.OWNER_MAILBOX)));
        assertEquals("alias alex.k7q2xmfd3a@gw.example already exists", e.getMessage());
        assertEquals(Login.of("alex"), db.inTransaction(c -> aliases.find(c, address)).orElseThrow().owner());
    }

    @Test
    void removedAliasStaysRemoved() throws SQLException {
        db.inTransaction(c -> aliases.create(c, Login.of("alex"), address, AliasTarget.OWNER_MAILBOX));
        db.inTransaction(c -> aliases.changeState(c, address, AliasState.REMOVED));
        assertThrows(RemovedAliasException.class,
                () -> db.inTransaction(c -> aliases.changeState(c, address, AliasState.ACTIVE)));
        assertEquals(AliasState.REMOVED, db.inTransaction(c -> aliases.find(c, address)).orElseThrow().state());
    }

    @Test
    void disabledAliasOrDisabledOwnerIsNotUsable() throws SQLException {
        db.inTransaction(c -> aliases.create(c, Login.of("alex"), address, AliasTarget.OWNER_MAILBOX));
        assertFalse(db.inTransaction(c -> aliases.changeState(c, address, AliasState.DISABLED)).usable());
        db.inTransaction(c -> aliases.changeState(c, address, AliasState.ACTIVE));
        db.inTransaction(c -> users.changeState(c, Login.of("alex"), UserState.DISABLED));
        assertFalse(db.inTransaction(c -> aliases.find(c, address)).orElseThrow().usable());
    }

    @Test
    void aliasForUnknownUserIsRefusedAndNothingIsStored() throws SQLException {
        assertThrows(UnknownUserException.class, () -> db.inTransaction(c ->
                aliases.create(c, Login.of("nobody"), address, AliasTarget.OWNER_MAILBOX)));
        assertTrue(db.inTransaction(c -> aliases.find(c, address)).isEmpty());
    }

    @Test
    void changingAnUnknownAliasFails() {
        assertThrows(UnknownAliasException.class,
                () -> db.inTransaction(c -> aliases.changeState(c, address, AliasState.DISABLED)));
    }

    @Test
    void listsAreOrderedAndPerUserListsHoldOnlyThatUsersAliases() throws SQLException {
        var b = AliasAddress.parse("blair.aaaaaaaaaa@gw.example");
        var a2 = AliasAddress.parse("alex.bbbbbbbbbb@gw.example");
        db.inTransaction(c -> aliases.create(c, Login.of("blair"), b, AliasTarget.OWNER_MAILBOX));
        db.inTransaction(c -> aliases.create(c, Login.of("alex"), a2, AliasTarget.OWNER_MAILBOX));
        db.inTransaction(c -> aliases.create(c, Login.of("alex"), address, AliasTarget.OWNER_MAILBOX));
        assertEquals(List.of(a2, address, b), db.inTransaction(c -> aliases.list(c)).stream().map(Alias::address).toList());
        assertEquals(List.of(b), db.inTransaction(c -> aliases.listOf(c, Login.of("blair"))).stream().map(Alias::address).toList());
    }

    @Test
    void twoTransactionsCreatingTheSameAddressAtOnceOneWinsTheOtherIsToldItExists() throws Exception {
        var barrier = new java.util.concurrent.CyclicBarrier(2);
        java.util.concurrent.Callable<String> attempt = () -> {
            try {
                db.inTransaction(c -> {
                    barrier.await();
                    return aliases.create(c, Login.of("alex"), address, AliasTarget.OWNER_MAILBOX);
                });
                return "created";
            } catch (DuplicateAliasException e) {
                return e.getMessage();
            }
        };
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var results = pool.invokeAll(List.of(attempt, attempt)).stream().map(f -> {
                try {
                    return f.get();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }).sorted().toList();
            assertEquals(List.of("alias alex.k7q2xmfd3a@gw.example already exists", "created"), results);
        } finally {
            pool.shutdown();
        }
        assertEquals(1, db.inTransaction(c -> aliases.list(c)).size());
    }

    @Test
    void smtpLookupUsesTheUniqueIndex() throws SQLException {
        String plan = db.inTransaction(c -> {
            c.createStatement().execute("SET LOCAL enable_seqscan = off");
            var rs = c.createStatement().executeQuery("EXPLAIN SELECT 1 FROM mapping.aliases a JOIN mapping.users u"
                    + " ON u.id = a.user_id WHERE a.address = 'x@y'");
            StringBuilder sb = new StringBuilder();
            while (rs.next()) {
                sb.append(rs.getString(1)).append('\n');
            }
            return sb.toString();
        });
        assertTrue(plan.contains("aliases_address_unique"), plan);
    }
}
