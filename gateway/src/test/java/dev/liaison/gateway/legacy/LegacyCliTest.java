package dev.liaison.gateway.legacy;

import dev.liaison.gateway.Liaison;
import dev.liaison.gateway.admin.Administration;
import dev.liaison.mapping.MappingSchema;
import dev.liaison.mapping.alias.Alias;
import dev.liaison.mapping.correspondent.LegacyCorrespondentStore;
import dev.liaison.mapping.correspondent.LegacyFrom;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.DatabaseLocation;
import dev.liaison.mapping.database.PoolSettings;
import dev.liaison.mapping.database.TestPostgres;
import dev.liaison.mapping.relationship.RelationshipState;
import dev.liaison.mapping.user.Login;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The administrator's legacy commands, run as {@code liaison …} on a real database. */
class LegacyCliTest {

    private static final String DOMAIN = "alex.example";

    @TempDir
    Path dir;

    @Test
    void theAddressPlainEmailLeavesFromIsChosenPerUserAndBadChoicesChangeNothing() throws Exception {
        DatabaseLocation.External db = TestPostgres.EMBEDDED.freshLocation();
        try (Database database = open(db)) {
            new Administration(database, DOMAIN).addUser(Login.of("alex"), "Alex", "alex-pw".toCharArray());
            assertEquals(0, run(db, "user", "legacy-from", "alex", "published"));
            assertEquals(Optional.of(LegacyFrom.PUBLISHED), fromOf(database));

            assertNotEquals(0, run(db, "user", "legacy-from", "alex", "everyone"));
            assertNotEquals(0, run(db, "user", "legacy-from", "nobody", "outward"));
            assertEquals(Optional.of(LegacyFrom.PUBLISHED), fromOf(database), "a refused command changes nothing");

            assertEquals(0, run(db, "user", "legacy-from", "alex", "default"));
            assertEquals(Optional.empty(), fromOf(database), "back to the gateway's legacy.from");
        }
    }

    @Test
    void relationshipAcceptAnswersARequestOnceAndOnlyTheOwnersOwn() throws Exception {
        DatabaseLocation.External db = TestPostgres.EMBEDDED.freshLocation();
        try (Database database = open(db)) {
            Administration admin = new Administration(database, DOMAIN);
            admin.addUser(Login.of("alex"), "Alex", "alex-pw".toCharArray());
            admin.addUser(Login.of("sam"), "Sam", "sam-pw".toCharArray());
            Alias published = admin.createAlias(Login.of("alex"), "hello", true);
            assertEquals(0, run(db, "relationship", "list", "--user", "alex")); // migrates the relay's schemas
            long id = database.inTransaction(c -> new LegacyCorrespondents(DOMAIN).open(c, Login.of("alex"),
                    "bob@legacy.example", "Bob", RelationshipState.REQUESTED, Optional.of(published)).relationship().id());

            assertEquals(1, run(db, "relationship", "accept", "--user", "sam", String.valueOf(id)),
                    "another user's request is unknown to sam");
            assertEquals(RelationshipState.REQUESTED, stateOf(database, id));
            assertEquals(0, run(db, "relationship", "accept", "--user", "alex", String.valueOf(id)));
            assertEquals(RelationshipState.ACTIVE, stateOf(database, id));
            assertEquals(1, run(db, "relationship", "accept", "--user", "alex", String.valueOf(id)),
                    "an accepted relationship is no request any more: refused (exit 1), not a defect (exit 4)");
        }
    }

    private static Database open(DatabaseLocation.External db) {
        Database database = Database.open(db, new PoolSettings("test", 2, Duration.ofSeconds(10)));
        database.migrate(MappingSchema.SCHEMA);
        return database;
    }

    private static Optional<LegacyFrom> fromOf(Database database) throws Exception {
        return database.inTransaction(c -> new LegacyCorrespondentStore().fromOf(c, Login.of("alex")));
    }

    private static RelationshipState stateOf(Database database, long id) throws Exception {
        return database.inTransaction(c -> new LegacyCorrespondents(DOMAIN).ofRelationship(c, id).orElseThrow()
                .relationship().state());
    }

    private int run(DatabaseLocation.External db, String... command) {
        String[] args = new String[command.length + 5];
        System.arraycopy(command, 0, args, 0, command.length);
        int i = command.length;
        args[i++] = "--data-dir=" + dir;
        args[i++] = "--domain=" + DOMAIN;
        args[i++] = "--database.url=" + db.url();
        args[i++] = "--database.user=" + db.user();
        args[i] = "--database.password=" + db.password();
        PrintStream original = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
            int code = Liaison.run(args);
            assertTrue(code == 0 || !out.toString(StandardCharsets.UTF_8).isBlank(), "a refusal says why");
            return code;
        } finally {
            System.setOut(original);
            System.setErr(originalErr);
        }
    }
}
