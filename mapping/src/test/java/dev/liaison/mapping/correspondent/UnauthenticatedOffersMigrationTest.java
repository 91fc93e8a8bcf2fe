package dev.liaison.mapping.correspondent;

import dev.liaison.mapping.MappingSchema;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.Schema;
import dev.liaison.mapping.database.TestPostgres;
import dev.liaison.mapping.relationship.PostgresRelationshipStore;
import dev.liaison.mapping.relationship.RelationshipState;
import dev.liaison.mapping.user.Login;
import dev.liaison.mapping.user.PasswordHash;
import dev.liaison.mapping.user.PostgresUserStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Mapping V10: invitations kept from plain email before their authors were authenticated may be a
 * forger's, so an upgrade drops them; a database migrated up to V9 with one kept shows it.
 */
class UnauthenticatedOffersMigrationTest {

    @Test
    void invitationsKeptBeforeTheAuthorWasCheckedAreDroppedByTheUpgrade(@TempDir Path before) throws Exception {
        Path all = Path.of(MappingSchema.class.getResource("/db/mapping").toURI());
        List<Path> older;
        try (var files = Files.list(all)) {
            older = files.filter(f -> version(f) < 10).toList();
        }
        for (Path f : older) {
            Files.copy(f, before.resolve(f.getFileName()));
        }
        try (Database db = TestPostgres.EMBEDDED.freshDatabase()) {
            db.migrate(new Schema("mapping", "filesystem:" + before)); // the release before this one
            LegacyCorrespondentStore store = new LegacyCorrespondentStore();
            long id = db.inTransaction(c -> {
                new PostgresUserStore().add(c, Login.of("alex"), "Alex", PasswordHash.create("pw".toCharArray()));
                var relationships = new PostgresRelationshipStore();
                long r = relationships.create(c, Login.of("alex"), "S6", new byte[0]).id();
                relationships.changeState(c, r, RelationshipState.REQUESTED);
                store.create(c, r, Login.of("alex"), "s6@strangers.example", Optional.empty(), false);
                store.offer(c, r, Optional.of("communicator:invitation/kept-from-a-forged-mail"));
                return r;
            });
            assertEquals(Optional.of("communicator:invitation/kept-from-a-forged-mail"),
                    db.inTransaction(c -> store.ofRelationship(c, id)).orElseThrow().offeredInvitation());

            db.migrate(MappingSchema.SCHEMA);
            assertEquals(Optional.empty(), db.inTransaction(c -> store.ofRelationship(c, id)).orElseThrow()
                    .offeredInvitation(), "the kept offer is gone");
        }
    }

    /** {@code V10__name.sql} → 10. */
    private static int version(Path migration) {
        String name = migration.getFileName().toString();
        return Integer.parseInt(name.substring(1, name.indexOf("__")));
    }
}
