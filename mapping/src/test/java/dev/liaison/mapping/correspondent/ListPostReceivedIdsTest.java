package dev.liaison.mapping.correspondent;

import dev.liaison.mapping.MappingSchema;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.TestPostgres;
import dev.liaison.mapping.relationship.PostgresRelationshipStore;
import dev.liaison.mapping.user.Login;
import dev.liaison.mapping.user.PasswordHash;
import dev.liaison.mapping.user.PostgresUserStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A mailing list's post (From its author, List-Post naming the list) is given back to the author's
 * relationship and to the user's relationship with the list's plain address; nothing else changes:
 * a message without List-Post stays its author's, and no id crosses to another user.
 */
@ParameterizedClass
@MethodSource("dev.liaison.mapping.database.TestPostgres#available")
class ListPostReceivedIdsTest {

    private static final Login ALEX = Login.of("alex");
    private static final Login CASEY = Login.of("casey");
    private static final String LIST = "dev@lists.example";

    @Parameter
    TestPostgres postgres;

    private Database db;
    private final LegacyCorrespondentStore store = new LegacyCorrespondentStore();

    @BeforeEach
    void open() throws SQLException {
        db = postgres.freshDatabase();
        db.migrate(MappingSchema.SCHEMA);
        for (Login login : List.of(ALEX, CASEY)) {
            db.inTransaction(c -> new PostgresUserStore().add(c, login, login.value(),
                    PasswordHash.create("pw".toCharArray())));
        }
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void aListsPostIsGivenBackToTheListAndItsAuthorOnlyAndNeverToAnotherUser() throws Exception {
        long dave = correspondent(ALEX, "dave@legacy.example");
        long list = correspondent(ALEX, LIST);
        long kim = correspondent(ALEX, "kim@legacy.example");
        long caseysList = correspondent(CASEY, LIST);
        remember(dave, "n-post", "post@legacy.example", Optional.of(LIST));
        remember(kim, "n-kim", "kim-1@legacy.example", Optional.empty());

        assertEquals(Set.of(new LegacyCorrespondentStore.ReceivedId(dave, "n-post", "post@legacy.example"),
                        new LegacyCorrespondentStore.ReceivedId(list, "n-post", "post@legacy.example"),
                        new LegacyCorrespondentStore.ReceivedId(kim, "n-kim", "kim-1@legacy.example")),
                received(ALEX, List.of("n-post", "n-kim", "n-unknown")),
                "the list gets its post's id; kim's message, without List-Post, stays kim's");
        assertEquals(Set.of(), received(CASEY, List.of("n-post", "n-kim")),
                "casey's relationship with the list gets nothing alex received");

        long caseysDave = correspondent(CASEY, "dave@legacy.example");
        remember(caseysDave, "n-post", "post@legacy.example", Optional.of(LIST));
        assertEquals(Set.of(new LegacyCorrespondentStore.ReceivedId(caseysDave, "n-post", "post@legacy.example"),
                        new LegacyCorrespondentStore.ReceivedId(caseysList, "n-post", "post@legacy.example")),
                received(CASEY, List.of("n-post")), "once casey received it too, her own rows give it back");
    }

    /** A reply to a list reads the ids it names, not every post the list ever delivered. */
    @Test
    void aListsIdsAreFoundByTheirIndex() throws Exception {
        long dave = correspondent(ALEX, "dave@legacy.example");
        correspondent(ALEX, LIST);
        execute("INSERT INTO mapping.legacy_received_ids (relationship_id, neutral, original, list_post) SELECT "
                + dave + ", 'n-' || n, 'id-' || n || '@legacy.example', '" + LIST + "'"
                + " FROM generate_series(1, 20000) AS n");
        execute("ANALYZE mapping.legacy_received_ids");
        long alex = db.inTransaction(c -> new PostgresUserStore().find(c, ALEX).orElseThrow().id());
        String plan = db.inTransaction(c -> {
            StringBuilder lines = new StringBuilder();
            try (var s = c.prepareStatement("EXPLAIN " + LegacyCorrespondentStore.RECEIVED_IDS)) {
                var ids = c.createArrayOf("text", new Object[] {"n-17", "n-4711"});
                s.setLong(1, alex);
                s.setArray(2, ids);
                s.setArray(3, ids);
                s.setLong(4, alex);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        lines.append(rs.getString(1)).append('\n');
                    }
                }
            }
            return lines.toString();
        });
        assertTrue(plan.contains("legacy_received_ids_list_post"), "found through the index:\n" + plan);
        assertFalse(plan.contains("Seq Scan on legacy_received_ids"), "no scan of every id:\n" + plan);
    }

    private long correspondent(Login owner, String address) throws SQLException {
        long relationship = db.inTransaction(c -> new PostgresRelationshipStore().create(c, owner, address,
                new byte[0])).id();
        db.inTransaction(c -> store.create(c, relationship, owner, address, Optional.empty(), true));
        return relationship;
    }

    private void remember(long relationship, String neutral, String original, Optional<String> listPost)
            throws SQLException {
        db.inTransaction(c -> {
            store.rememberReceivedId(c, new LegacyCorrespondentStore.Received(relationship, neutral, original, listPost));
            return null;
        });
    }

    private Set<LegacyCorrespondentStore.ReceivedId> received(Login owner, List<String> neutrals) throws SQLException {
        return db.inTransaction(c -> {
            long ownerId = new PostgresUserStore().find(c, owner).orElseThrow().id();
            return new HashSet<>(store.receivedIds(c, ownerId, neutrals));
        });
    }

    private void execute(String sql) throws SQLException {
        db.inAutocommit(c -> {
            try (Statement s = c.createStatement()) {
                s.execute(sql);
            }
            return null;
        });
    }
}
