package dev.liaison.mapping.alias;

import dev.liaison.mapping.MappingSchema;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.DatabaseRefusedException;
import dev.liaison.mapping.database.TestPostgres;
import dev.liaison.mapping.relationship.PostgresRelationshipStore;
import dev.liaison.mapping.relationship.RelationshipState;
import dev.liaison.mapping.relationship.RelationshipStore;
import dev.liaison.mapping.relationship.UnknownRelationshipException;
import dev.liaison.mapping.user.Login;
import dev.liaison.mapping.user.PasswordHash;
import dev.liaison.mapping.user.PostgresUserStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.SQLException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Aliases that target a relationship, on every PostgreSQL the tests can reach. */
@ParameterizedClass
@MethodSource("dev.liaison.mapping.database.TestPostgres#available")
class RelationshipAliasStoreTest {

    private static final Login ALEX = Login.of("alex");
    private static final Login BLAIR = Login.of("blair");

    @Parameter
    TestPostgres postgres;

    private Database db;
    private final PostgresUserStore users = new PostgresUserStore();
    private final AliasStore aliases = new PostgresAliasStore();
    private final RelationshipStore relationships = new PostgresRelationshipStore();
    private final AliasAddress address = AliasAddress.parse("blair.k7q2xmfd3a@gw.example");
    private final AliasAddress other = AliasAddress.parse("blair.aaaaaaaaaa@gw.example");

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

    private long relationshipOf(Login owner) throws SQLException {
        return db.inTransaction(c -> relationships.create(c, owner, "Peer", new byte[]{1, 2, 3})).id();
    }

    @Test
    void aliasTargetingARelationshipIsFoundWithThatRelationshipByAddressAndByRelationship() throws SQLException {
        long id = relationshipOf(ALEX);
        db.inTransaction(c -> aliases.create(c, ALEX, address, new AliasTarget.Relationship(id)));
        Alias found = db.inTransaction(c -> aliases.find(c, address)).orElseThrow();
        assertEquals(new AliasTarget.Relationship(id), found.target());
        assertEquals(ALEX, found.owner());
        assertEquals(address, db.inTransaction(c -> aliases.findByRelationship(c, id)).orElseThrow().address());
        assertTrue(db.inTransaction(c -> aliases.findByRelationship(c, id + 1)).isEmpty());
    }

    @Test
    void addresseeCarriesTheStateOfTheRelationshipItsAliasLeadsTo() throws SQLException {
        long id = relationshipOf(ALEX);
        db.inTransaction(c -> aliases.create(c, ALEX, address, new AliasTarget.Relationship(id)));
        Addressee created = db.inTransaction(c -> aliases.findAddressee(c, address)).orElseThrow();
        assertEquals(db.inTransaction(c -> aliases.find(c, address)).orElseThrow(), created.alias());
        assertEquals(java.util.Optional.of(db.inTransaction(c -> relationships.find(c, id)).orElseThrow().state()),
                created.relationshipState());
        assertTrue(!created.legacyCorrespondent(), "a Communicator relationship");
        db.inTransaction(c -> relationships.changeState(c, id, RelationshipState.BLOCKED));
        assertEquals(java.util.Optional.of(RelationshipState.BLOCKED),
                db.inTransaction(c -> aliases.findAddressee(c, address)).orElseThrow().relationshipState());

        long legacy = relationshipOf(ALEX);
        AliasAddress legacyAlias = AliasAddress.parse("blair.lllllllll2@gw.example");
        db.inTransaction(c -> aliases.create(c, ALEX, legacyAlias, new AliasTarget.Relationship(legacy)));
        db.inTransaction(c -> new dev.liaison.mapping.correspondent.LegacyCorrespondentStore().create(c, legacy, ALEX,
                "sam@plain.example", java.util.Optional.empty(), true));
        assertTrue(db.inTransaction(c -> aliases.findAddressee(c, legacyAlias)).orElseThrow().legacyCorrespondent(),
                "a legacy correspondent's relationship");

        AliasAddress mailbox = AliasAddress.parse("alex.mmmmmmmmmm@gw.example");
        db.inTransaction(c -> aliases.create(c, ALEX, mailbox, AliasTarget.OWNER_MAILBOX));
        assertTrue(db.inTransaction(c -> aliases.findAddressee(c, mailbox)).orElseThrow().relationshipState().isEmpty(),
                "a mailbox alias leads to no relationship");
        assertTrue(db.inTransaction(c -> aliases.findAddressee(c, other)).isEmpty(), "no such alias");
    }

    @Test
    void mailboxAndRelationshipAliasesAreListedSideBySide() throws SQLException {
        long id = relationshipOf(ALEX);
        db.inTransaction(c -> aliases.create(c, ALEX, address, new AliasTarget.Relationship(id)));
        db.inTransaction(c -> aliases.create(c, ALEX, other, AliasTarget.OWNER_MAILBOX));
        assertEquals(List.of(AliasTarget.OWNER_MAILBOX, new AliasTarget.Relationship(id)),
                db.inTransaction(c -> aliases.listOf(c, ALEX)).stream().map(Alias::target).toList());
    }

    @Test
    void aRelationshipHasAtMostOneAlias() throws SQLException {
        long id = relationshipOf(ALEX);
        db.inTransaction(c -> aliases.create(c, ALEX, address, new AliasTarget.Relationship(id)));
        var e = assertThrows(RelationshipAliasExistsException.class,
                () -> db.inTransaction(c -> aliases.create(c, ALEX, other, new AliasTarget.Relationship(id))));
        assertEquals("relationship " + id + " already has an alias (see: liaison alias list); a relationship has exactly one",
                e.getMessage());
        assertTrue(db.inTransaction(c -> aliases.find(c, other)).isEmpty());
    }

    @Test
    void takenAddressIsStillADuplicateForARelationshipAlias() throws SQLException {
        long id = relationshipOf(ALEX);
        db.inTransaction(c -> aliases.create(c, ALEX, address, AliasTarget.OWNER_MAILBOX));
        assertThrows(DuplicateAliasException.class,
                () -> db.inTransaction(c -> aliases.create(c, ALEX, address, new AliasTarget.Relationship(id))));
        assertTrue(db.inTransaction(c -> aliases.findByRelationship(c, id)).isEmpty());
    }

    @Test
    void anAliasCannotPointAtAnotherUsersRelationship() throws SQLException {
        long blairs = relationshipOf(BLAIR);
        var e = assertThrows(UnknownRelationshipException.class,
                () -> db.inTransaction(c -> aliases.create(c, ALEX, address, new AliasTarget.Relationship(blairs))));
        assertEquals("user 'alex' has no relationship " + blairs + " (see: liaison relationship list --user alex)",
                e.getMessage());
        assertTrue(db.inTransaction(c -> aliases.find(c, address)).isEmpty());
    }

    @Test
    void anAliasCannotPointAtAMissingRelationship() throws SQLException {
        assertThrows(UnknownRelationshipException.class,
                () -> db.inTransaction(c -> aliases.create(c, ALEX, address, new AliasTarget.Relationship(999))));
        assertTrue(db.inTransaction(c -> aliases.find(c, address)).isEmpty());
    }

    @Test
    void aliasesCreatedBeforeRelationshipsExistedStillWorkAfterTheUpgrade() throws SQLException {
        try (Database v1 = postgres.freshDatabase()) {
            // Build version 1 the way Database.migrate does, stopping before relationships.
            org.flywaydb.core.Flyway.configure().dataSource(v1.dataSource()).schemas("mapping").createSchemas(true)
                    .table("flyway_history").locations("classpath:db/mapping").target("1").load().migrate();
            v1.inTransaction(c -> c.createStatement().executeUpdate("INSERT INTO mapping.users"
                    + " (login, display_name, password_hash, state) VALUES ('casey', 'Casey', 'x', 'active')"));
            v1.inTransaction(c -> c.createStatement().executeUpdate("INSERT INTO mapping.aliases (address, user_id, target, state)"
                    + " SELECT 'casey.old@gw.example', id, 'mailbox', 'active' FROM mapping.users"));
            v1.migrate(MappingSchema.SCHEMA);
            Alias old = v1.inTransaction(c -> aliases.find(c, AliasAddress.parse("casey.old@gw.example"))).orElseThrow();
            assertEquals(AliasTarget.OWNER_MAILBOX, old.target());
            assertTrue(old.usable());
        }
    }

    @Test
    void theSchemaRefusesATargetAndRelationshipThatDisagree() {
        // The CHECK guards against code that bypasses the store, e.g. a hand-written migration.
        var e = assertThrows(DatabaseRefusedException.class, () -> db.inTransaction(c -> c.createStatement().executeUpdate(
                "INSERT INTO mapping.aliases (address, user_id, target, state)"
                        + " SELECT 'x.y@gw.example', id, 'relationship', 'active' FROM mapping.users WHERE login = 'alex'")));
        assertTrue(e.getMessage().contains("aliases_relationship_iff_target"), e.getMessage());
    }
}
