package dev.liaison.gateway.cli;

import dev.liaison.gateway.admin.Administration;
import dev.liaison.mapping.alias.Alias;
import dev.liaison.mapping.alias.AliasAddress;
import dev.liaison.mapping.alias.AliasState;
import dev.liaison.mapping.alias.AliasTarget;
import dev.liaison.mapping.alias.PostgresAliasStore;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.TestPostgres;
import dev.liaison.mapping.relationship.PostgresRelationshipStore;
import dev.liaison.mapping.relationship.RelationshipState;
import dev.liaison.mapping.user.Login;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code liaison alias …} run as the administrator runs it, on a real database. */
class AliasCliTest {

    private static final String DOMAIN = "alex.example";

    @TempDir
    Path dir;

    private final PostgresAliasStore aliases = new PostgresAliasStore();
    private final PostgresRelationshipStore relationships = new PostgresRelationshipStore();

    @Test
    void aLiveRelationshipsAliasIsNeitherRemovedNorDisabledOnItsOwnButTheCommandThatEndsItIsNamed() throws Exception {
        InProcessCli cli = new InProcessCli(TestPostgres.EMBEDDED.freshLocation(), dir, DOMAIN);
        try (Database database = cli.open()) {
            new Administration(database, DOMAIN).addUser(Login.of("alex"), "Alex", "alex-pw".toCharArray());
            AliasAddress address = AliasAddress.parse("blair.abcdefghij@" + DOMAIN);
            long id = database.inTransaction(c -> {
                var r = relationships.create(c, Login.of("alex"), "Blair", new byte[]{1});
                relationships.changeState(c, r.id(), RelationshipState.ACTIVE);
                aliases.create(c, Login.of("alex"), address, new AliasTarget.Relationship(r.id()));
                return r.id();
            });

            InProcessCli.Run removed = cli.run("alias", "remove", address.value());
            assertEquals(1, removed.code(), "refused as invalid input: " + removed.output());
            assertTrue(removed.output().contains("liaison relationship end --user alex " + id), removed.output());
            InProcessCli.Run disabled = cli.run("alias", "disable", address.value());
            assertEquals(1, disabled.code(), disabled.output());
            assertTrue(disabled.output().contains("liaison relationship block --user alex " + id), disabled.output());
            assertEquals(AliasState.ACTIVE, stateOf(database, address), "a refused command changes nothing");
            assertEquals(RelationshipState.ACTIVE, database.inTransaction(c -> relationships.find(c, id)).orElseThrow().state());

            database.inTransaction(c -> relationships.changeState(c, id, RelationshipState.ENDED));
            assertEquals(0, cli.run("alias", "remove", address.value()).code(), "an ended relationship's alias is tidied away");
            assertEquals(AliasState.REMOVED, stateOf(database, address));
        }
    }

    @Test
    void aMailboxAliasIsStillDisabledAndRemoved() throws Exception {
        InProcessCli cli = new InProcessCli(TestPostgres.EMBEDDED.freshLocation(), dir, DOMAIN);
        try (Database database = cli.open()) {
            Administration admin = new Administration(database, DOMAIN);
            admin.addUser(Login.of("alex"), "Alex", "alex-pw".toCharArray());
            Alias alias = admin.createAlias(Login.of("alex"));
            assertEquals(0, cli.run("alias", "disable", alias.address().value()).code());
            assertEquals(AliasState.DISABLED, stateOf(database, alias.address()));
            assertEquals(0, cli.run("alias", "remove", alias.address().value()).code());
            assertEquals(AliasState.REMOVED, stateOf(database, alias.address()));
        }
    }

    private AliasState stateOf(Database database, AliasAddress address) throws Exception {
        return database.inTransaction(c -> aliases.find(c, address)).orElseThrow().state();
    }
}
