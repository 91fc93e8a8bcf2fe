package dev.liaison.gateway.legacy;

import dev.liaison.gateway.Liaison;
import dev.liaison.gateway.admin.Administration;
import dev.liaison.mapping.MappingSchema;
import dev.liaison.mapping.alias.Alias;
import dev.liaison.mapping.alias.AliasState;
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
    /** What the last {@link #run} printed, stdout and stderr. */
    private String output = "";

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
            assertEquals(0, run(db, "relationship", "list", "--user", "alex", "--json"));
            assertTrue(output.contains("{\"id\": " + id + ", \"peer\": \"Bob\", \"state\": \"active\""),
                    "an id is a JSON number, not a string: " + output);
            assertEquals(1, run(db, "relationship", "accept", "--user", "alex", String.valueOf(id)),
                    "an accepted relationship is no request any more: refused (exit 1), not a defect (exit 4)");
        }
    }

    /**
     * A published alias that plain-email relationships write from is not disabled or removed while
     * they live: their mail would go on leaving from it while the replies to it bounce. Refused (exit
     * 1), naming them and the command that ends them; nothing changes. Once they ended, it goes.
     */
    @Test
    void aPublishedAliasThatLiveRelationshipsWriteFromIsNotDisabledOrRemoved() throws Exception {
        DatabaseLocation.External db = TestPostgres.EMBEDDED.freshLocation();
        try (Database database = open(db)) {
            Administration admin = new Administration(database, DOMAIN);
            admin.addUser(Login.of("alex"), "Alex", "alex-pw".toCharArray());
            Alias published = admin.createAlias(Login.of("alex"), "news", true);
            String address = published.address().toString();
            assertEquals(0, run(db, "relationship", "list", "--user", "alex")); // migrates the relay's schemas
            long asked = database.inTransaction(c -> new LegacyCorrespondents(DOMAIN).open(c, Login.of("alex"),
                    "bob@legacy.example", "Bob", RelationshipState.REQUESTED, Optional.of(published)).relationship().id());
            assertEquals(0, run(db, "relationship", "accept", "--user", "alex", String.valueOf(asked)));
            assertEquals(0, run(db, "user", "legacy-from", "alex", "published"));
            long written = database.inTransaction(c -> new LegacyCorrespondents(DOMAIN).open(c, Login.of("alex"),
                    "carol@legacy.example", "carol@legacy.example", RelationshipState.ACTIVE, Optional.empty())
                    .relationship().id());

            for (String command : new String[]{"remove", "disable"}) {
                assertEquals(1, run(db, "alias", command, address), output);
                assertTrue(output.contains("relationships " + asked + ", " + written)
                        && output.contains("liaison relationship end --user alex") && output.contains("Nothing was changed"),
                        output);
                assertEquals(AliasState.ACTIVE, stateOf(admin, address), "a refused " + command + " changes nothing");
            }
            assertEquals(0, run(db, "relationship", "end", "--user", "alex", String.valueOf(asked)));
            assertEquals(1, run(db, "alias", "disable", address), "carol's relationship still writes from it");
            assertTrue(output.contains("relationship " + written + ",") && !output.contains(asked + ","), output);
            assertEquals(0, run(db, "relationship", "end", "--user", "alex", String.valueOf(written)));
            assertEquals(0, run(db, "alias", "disable", address), output);
            assertEquals(AliasState.DISABLED, stateOf(admin, address));
        }
    }

    private static AliasState stateOf(Administration admin, String address) throws Exception {
        return admin.aliases().stream().filter(a -> a.address().toString().equals(address)).findFirst().orElseThrow()
                .state();
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
            output = out.toString(StandardCharsets.UTF_8);
            assertTrue(code == 0 || !out.toString(StandardCharsets.UTF_8).isBlank(), "a refusal says why");
            return code;
        } finally {
            System.setOut(original);
            System.setErr(originalErr);
        }
    }
}
