package dev.liaison.gateway.relationship;

import dev.liaison.mapping.MappingSchema;
import dev.liaison.mapping.alias.AliasAddress;
import dev.liaison.mapping.alias.AliasTarget;
import dev.liaison.mapping.alias.PostgresAliasStore;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.TestPostgres;
import dev.liaison.mapping.relationship.PostgresRelationshipStore;
import dev.liaison.mapping.user.Login;
import dev.liaison.mapping.user.PasswordHash;
import dev.liaison.mapping.user.PostgresUserStore;
import org.junit.jupiter.api.Test;

import java.sql.Connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The address of a relationship's alias, as every message delivered from the peer names it. */
class RelationshipAliasesTest {

    private static final Login ALEX = Login.of("alex");

    @Test
    void theAddressIsReadOnceAndRememberedForTheRelationship() throws Exception {
        try (Database db = TestPostgres.available().get(0).freshDatabase()) {
            db.migrate(MappingSchema.SCHEMA);
            AliasAddress address = AliasAddress.parse("blair.k7q2xmfd3a@gw.example");
            long relationship = db.inTransaction(c -> {
                new PostgresUserStore().add(c, ALEX, "Alex", PasswordHash.create("pw".toCharArray()));
                long id = new PostgresRelationshipStore().create(c, ALEX, "Blair", new byte[]{1}).id();
                new PostgresAliasStore().create(c, ALEX, address, new AliasTarget.Relationship(id));
                return id;
            });
            RelationshipAliases faces = new RelationshipAliases("gw.example", null);
            assertEquals(address, db.inTransaction(c -> faces.addressOf(c, relationship)));

            Connection closed = db.dataSource().getConnection();
            closed.close();
            assertEquals(address, faces.addressOf(closed, relationship), "remembered: no query the second time");
            assertThrows(RuntimeException.class, () -> faces.addressOf(closed, relationship + 1),
                    "another relationship is looked up");
        }
    }
}
