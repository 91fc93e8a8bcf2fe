package dev.liaison.gateway.account;

import dev.liaison.gateway.admin.Administration;
import dev.liaison.mapping.MappingSchema;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.TestPostgres;
import dev.liaison.mapping.user.Login;
import dev.liaison.mapping.user.UserState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PasswordAuthenticationTest {

    private static Database db;
    private static Administration admin;
    private static PasswordAuthentication auth;

    @BeforeAll
    static void users() throws SQLException {
        db = TestPostgres.EMBEDDED.freshDatabase();
        db.migrate(MappingSchema.SCHEMA);
        admin = new Administration(db, "gw.example");
        admin.addUser(Login.of("alex"), "Alex", "right".toCharArray());
        admin.addUser(Login.of("blair"), "Blair", "blairs".toCharArray());
        auth = new PasswordAuthentication(db, "gw.example");
    }

    @AfterAll
    static void close() {
        db.close();
    }

    @Test
    void rightPasswordAuthenticatesTheUserByLoginOrFullAddressInAnyCase() throws SQLException {
        assertEquals(Login.of("alex"), auth.authenticate("alex", "right".toCharArray()).orElseThrow().login());
        assertEquals(Login.of("alex"), auth.authenticate("Alex@GW.example", "right".toCharArray()).orElseThrow().login());
    }

    @Test
    void wrongPasswordUnknownMalformedOrOtherDomainLoginsAreRefused() throws SQLException {
        assertTrue(auth.authenticate("alex", "wrong".toCharArray()).isEmpty());
        assertTrue(auth.authenticate("alex", "blairs".toCharArray()).isEmpty(), "another user's password");
        assertTrue(auth.authenticate("nobody", "right".toCharArray()).isEmpty());
        assertTrue(auth.authenticate("al ex", "right".toCharArray()).isEmpty());
        assertTrue(auth.authenticate("alex@other.example", "right".toCharArray()).isEmpty());
        assertTrue(auth.authenticate("x".repeat(10_000), "right".toCharArray()).isEmpty());
    }

    @Test
    void aRememberedPasswordStopsWorkingTheMomentItIsChanged() throws SQLException {
        admin.addUser(Login.of("dana"), "Dana", "old".toCharArray());
        assertTrue(auth.authenticate("dana", "old".toCharArray()).isPresent());
        assertTrue(auth.authenticate("dana", "old".toCharArray()).isPresent(), "second login, from memory");
        admin.changePassword(Login.of("dana"), "new".toCharArray());
        assertTrue(auth.authenticate("dana", "old".toCharArray()).isEmpty());
        assertTrue(auth.authenticate("dana", "new".toCharArray()).isPresent());
    }

    @Test
    void aRememberedPasswordDoesNotLetADisabledUserIn() throws SQLException {
        admin.addUser(Login.of("erin"), "Erin", "pw".toCharArray());
        assertTrue(auth.authenticate("erin", "pw".toCharArray()).isPresent());
        admin.changeUserState(Login.of("erin"), UserState.DISABLED);
        assertTrue(auth.authenticate("erin", "pw".toCharArray()).isEmpty());
    }

    @Test
    void rememberedPasswordsExpire() throws SQLException {
        var clock = new java.util.concurrent.atomic.AtomicReference<>(java.time.Instant.parse("2026-01-01T00:00:00Z"));
        var ticking = new java.time.Clock() {
            @Override public java.time.ZoneId getZone() { return java.time.ZoneOffset.UTC; }
            @Override public java.time.Clock withZone(java.time.ZoneId zone) { return this; }
            @Override public java.time.Instant instant() { return clock.get(); }
        };
        var memory = new VerifiedPasswords(ticking);
        memory.add("alex", "$hash", "pw".toCharArray());
        assertTrue(memory.contains("alex", "$hash", "pw".toCharArray()));
        assertTrue(!memory.contains("alex", "$hash", "px".toCharArray()));
        assertTrue(!memory.contains("alex", "$other-hash", "pw".toCharArray()));
        clock.set(clock.get().plus(VerifiedPasswords.TTL).plusSeconds(1));
        assertTrue(!memory.contains("alex", "$hash", "pw".toCharArray()));
    }

    @Test
    void disabledUserIsRefusedEvenWithTheRightPassword() throws SQLException {
        admin.addUser(Login.of("carol"), "Carol", "pw".toCharArray());
        admin.changeUserState(Login.of("carol"), UserState.DISABLED);
        assertTrue(auth.authenticate("carol", "pw".toCharArray()).isEmpty());
        admin.changeUserState(Login.of("carol"), UserState.ACTIVE);
        assertTrue(auth.authenticate("carol", "pw".toCharArray()).isPresent());
    }
}
