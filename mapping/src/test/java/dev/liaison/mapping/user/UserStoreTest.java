package dev.liaison.mapping.user;

import dev.liaison.mapping.MappingSchema;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.TestPostgres;
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

/** The user store's contract, on every PostgreSQL the tests can reach. */
@ParameterizedClass
@MethodSource("dev.liaison.mapping.database.TestPostgres#available")
class UserStoreTest {

    @Parameter
    TestPostgres postgres;

    private Database db;
    private final UserStore users = new PostgresUserStore();
    private static final PasswordHash HASH = PasswordHash.create("s3cret".toCharArray());

    @BeforeEach
    void migrate() {
        db = postgres.freshDatabase();
        db.migrate(MappingSchema.SCHEMA);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void addedUserIsFoundActiveWithItsDisplayName() throws SQLException {
        db.inTransaction(c -> users.add(c, Login.of("alex"), "Alex Doe", HASH));
        User alex = db.inTransaction(c -> users.find(c, Login.of("alex"))).orElseThrow();
        assertEquals("Alex Doe", alex.displayName());
        assertEquals(UserState.ACTIVE, alex.state());
    }

    @Test
    void aNewUsersLoginMustBeALocalPartButAUserAddedUnderTheOlderRuleKeepsWorking() throws SQLException {
        var e = assertThrows(InvalidLoginException.class,
                () -> db.inTransaction(c -> users.add(c, Login.of(".."), "Dots", HASH)));
        assertTrue(e.getMessage().startsWith("invalid login '..': it begins with '.'"), e.getMessage());
        assertTrue(db.inTransaction(users::list).isEmpty(), "nothing added");

        db.inTransaction(c -> { // as an older release could add it
            try (var ps = c.prepareStatement("INSERT INTO mapping.users (login, display_name, password_hash, state)"
                    + " VALUES ('-old.', 'Old', ?, 'active')")) {
                ps.setString(1, HASH.encoded());
                ps.executeUpdate();
            }
            return null;
        });
        Login old = Login.of("-old.");
        assertEquals(List.of(old), db.inTransaction(users::list).stream().map(User::login).toList());
        db.inTransaction(c -> {
            users.changePassword(c, old, PasswordHash.create("new".toCharArray()));
            return users.changeState(c, old, UserState.DISABLED);
        });
        assertEquals(UserState.DISABLED, db.inTransaction(c -> users.find(c, old)).orElseThrow().state());
        assertTrue(db.inTransaction(c -> users.passwordOf(c, old)).isPresent());
    }

    @Test
    void aDisplayNameTooLongOrWithControlCharactersIsRefusedSayingWhyAndNothingIsAdded() throws SQLException {
        var tooLong = assertThrows(InvalidDisplayNameException.class,
                () -> db.inTransaction(c -> users.add(c, Login.of("alex"), "D".repeat(201), HASH)));
        assertTrue(tooLong.getMessage().contains("at most 200 characters"), tooLong.getMessage());
        assertFalse(tooLong.getMessage().contains("argon2"), "never the hash: " + tooLong.getMessage());
        assertThrows(InvalidDisplayNameException.class,
                () -> db.inTransaction(c -> users.add(c, Login.of("alex"), "Alex\r\nBcc: x@y.example", HASH)));
        assertTrue(db.inTransaction(c -> users.find(c, Login.of("alex"))).isEmpty());
        db.inTransaction(c -> users.add(c, Login.of("alex"), "\uD83D\uDE00".repeat(200), HASH)); // 200 characters, 400 UTF-16 units
    }

    @Test
    void secondUserWithTheSameLoginIsRefusedAndTheFirstIsUnchanged() throws SQLException {
        db.inTransaction(c -> users.add(c, Login.of("alex"), "First", HASH));
        var e = assertThrows(DuplicateLoginException.class,
                () -> db.inTransaction(c -> users.add(c, Login.of("alex"), "Second", HASH)));
        assertEquals("user 'alex' already exists", e.getMessage());
        assertEquals("First", db.inTransaction(c -> users.find(c, Login.of("alex"))).orElseThrow().displayName());
    }

    @Test
    void listIsOrderedByLogin() throws SQLException {
        for (String login : List.of("carol", "alex", "blair")) {
            db.inTransaction(c -> users.add(c, Login.of(login), login, HASH));
        }
        List<String> logins = db.inTransaction(c -> users.list(c)).stream().map(u -> u.login().value()).toList();
        assertEquals(List.of("alex", "blair", "carol"), logins);
    }

    @Test
    void disableAndEnableChangeTheState() throws SQLException {
        db.inTransaction(c -> users.add(c, Login.of("alex"), "Alex", HASH));
        assertEquals(UserState.DISABLED, db.inTransaction(c -> users.changeState(c, Login.of("alex"), UserState.DISABLED)).state());
        assertEquals(UserState.ACTIVE, db.inTransaction(c -> users.changeState(c, Login.of("alex"), UserState.ACTIVE)).state());
    }

    @Test
    void changingAnUnknownUserFails() {
        assertThrows(UnknownUserException.class,
                () -> db.inTransaction(c -> users.changeState(c, Login.of("nobody"), UserState.DISABLED)));
        assertThrows(UnknownUserException.class,
                () -> db.inTransaction(c -> { users.changePassword(c, Login.of("nobody"), HASH); return null; }));
    }

    @Test
    void changedPasswordVerifiesAndTheOldOneNoLonger() throws SQLException {
        db.inTransaction(c -> users.add(c, Login.of("alex"), "Alex", HASH));
        db.inTransaction(c -> { users.changePassword(c, Login.of("alex"), PasswordHash.create("new".toCharArray())); return null; });
        PasswordHash stored = db.inTransaction(c -> users.passwordOf(c, Login.of("alex"))).orElseThrow();
        assertTrue(stored.verify("new".toCharArray()));
        assertFalse(stored.verify("s3cret".toCharArray()));
    }

    @Test
    void theDatabaseRefusesAMalformedLoginEvenIfCodeWereToSkipTheCheck() {
        var e = assertThrows(RuntimeException.class, () -> db.inTransaction(c ->
                c.createStatement().execute("INSERT INTO mapping.users (login, display_name, password_hash, state)"
                        + " VALUES ('Alex', 'x', 'x', 'active')")));
        assertTrue(e.getMessage().contains("users_login_format"), e.getMessage());
    }
}
