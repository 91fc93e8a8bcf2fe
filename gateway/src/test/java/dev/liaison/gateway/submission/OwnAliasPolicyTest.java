package dev.liaison.gateway.submission;

import dev.liaison.gateway.legacy.LegacyCorrespondents;
import dev.liaison.mapping.alias.AliasState;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.relationship.RelationshipState;
import dev.liaison.mapping.database.TestPostgres;
import dev.liaison.mapping.user.Login;
import dev.liaison.mapping.user.UserState;
import dev.liaison.smtp.address.EmailAddress;
import dev.liaison.smtp.submission.AuthenticatedUser;
import dev.liaison.smtp.submission.RecipientVerdict;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The RCPT verdict, read in one autocommit query on the gateway's real database: the sender's own
 * active alias is accepted, another user's private one is unknown as at the MX (a user cannot
 * learn whose it is, or that it is live), a non-alias is unknown, a sender disabled or
 * removed since AUTH is refused every recipient, and a database that cannot be reached is a
 * temporary failure (451), never an acceptance.
 */
class OwnAliasPolicyTest {

    @TempDir
    static Path dataDir;
    private static TestGateway gw;
    private static String alexAlias;
    private static String blairAlias;
    private static OwnAliasPolicy policy;

    @BeforeAll
    static void start() throws Exception {
        gw = new TestGateway(TestPostgres.available().get(0), dataDir);
        gw.admin.addUser(Login.of("alex"), "Alex", "alex-pw".toCharArray());
        gw.admin.addUser(Login.of("blair"), "Blair", "blair-pw".toCharArray());
        alexAlias = gw.admin.createAlias(Login.of("alex")).address().value();
        blairAlias = gw.admin.createAlias(Login.of("blair")).address().value();
        policy = new OwnAliasPolicy(gw.gateway.database(), TestGateway.DOMAIN, () -> false);
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    @Test
    void ownActiveAliasIsAccepted() throws Exception {
        assertEquals(RecipientVerdict.ACCEPT, policy.check(new AuthenticatedUser("alex"), EmailAddress.parse(alexAlias)));
    }

    @Test
    void anotherUsersPrivateAliasIsUnknownAsAtTheMx() throws Exception {
        assertEquals(RecipientVerdict.UNKNOWN, policy.check(new AuthenticatedUser("alex"), EmailAddress.parse(blairAlias)));
    }

    /**
     * The user's own outward alias is their own address (a Reply-All to a correspondent's plain email
     * names it): accepted while active, also after the correspondence ended or was blocked (that
     * concerns the correspondent's mail, not the user's to themselves); disabled, refused as any own
     * alias that takes no mail now.
     */
    @Test
    void ownOutwardAliasIsTheirOwnAddress() throws Exception {
        LegacyCorrespondents correspondents = new LegacyCorrespondents(TestGateway.DOMAIN);
        var link = gw.gateway.database().inTransaction(c -> correspondents
                .open(c, Login.of("alex"), "bob@elsewhere.example", "Bob", RelationshipState.ACTIVE, Optional.empty()));
        EmailAddress outward = EmailAddress.parse(link.outwardAlias().address().value());
        AuthenticatedUser alex = new AuthenticatedUser("alex");
        assertEquals(RecipientVerdict.ACCEPT, policy.check(alex, outward));

        gw.gateway.database().inTransaction(c -> gw.gateway.relay().control().end(c, Login.of("alex"),
                link.relationship().id()));
        assertEquals(RecipientVerdict.ACCEPT, policy.check(alex, outward), "ended: still the user's own address");

        gw.admin.changeAliasState(link.outwardAlias().address(), AliasState.DISABLED);
        assertEquals(RecipientVerdict.REFUSED, policy.check(alex, outward));

        var blocked = gw.gateway.database().inTransaction(c -> correspondents
                .open(c, Login.of("alex"), "eve@elsewhere.example", "Eve", RelationshipState.ACTIVE, Optional.empty()));
        gw.gateway.database().inTransaction(c -> gw.gateway.relay().control().block(c, Login.of("alex"),
                blocked.relationship().id()));
        assertEquals(RecipientVerdict.ACCEPT, policy.check(alex,
                EmailAddress.parse(blocked.outwardAlias().address().value())), "blocked: still the user's own address");
    }

    @Test
    void anAddressThatIsNoAliasIsUnknown() throws Exception {
        int at = alexAlias.indexOf('@');
        char last = alexAlias.charAt(at - 1);
        String neighbour = alexAlias.substring(0, at - 1) + (last == 'a' ? 'b' : 'a') + alexAlias.substring(at);

        assertEquals(RecipientVerdict.UNKNOWN, policy.check(new AuthenticatedUser("alex"), EmailAddress.parse(neighbour)));
    }

    @Test
    void aSenderDisabledSinceAuthIsRefusedEveryRecipient() throws Exception {
        gw.admin.addUser(Login.of("casey"), "Casey", "casey-pw".toCharArray());
        String caseyAlias = gw.admin.createAlias(Login.of("casey")).address().value();
        var withPlainEmail = new OwnAliasPolicy(gw.gateway.database(), TestGateway.DOMAIN, () -> true);
        AuthenticatedUser casey = new AuthenticatedUser("casey");
        assertEquals(RecipientVerdict.ACCEPT, withPlainEmail.check(casey, EmailAddress.parse("invite@" + TestGateway.DOMAIN)));

        gw.admin.changeUserState(Login.of("casey"), UserState.DISABLED);

        for (String recipient : List.of(caseyAlias, "invite@" + TestGateway.DOMAIN, "accept@" + TestGateway.DOMAIN,
                "someone@elsewhere.example", blairAlias)) {
            assertEquals(RecipientVerdict.SENDER_INACTIVE, withPlainEmail.check(casey, EmailAddress.parse(recipient)),
                    recipient);
        }
        assertEquals(RecipientVerdict.SENDER_INACTIVE,
                policy.check(new AuthenticatedUser("nobody"), EmailAddress.parse(alexAlias)), "a removed user");
    }

    @Test
    void anUnreachableDatabaseIsATemporaryFailure() throws Exception {
        Database gone = TestPostgres.available().get(0).freshDatabase();
        gone.close();
        var unreachable = new OwnAliasPolicy(gone, TestGateway.DOMAIN, () -> false);

        assertEquals(RecipientVerdict.TEMPORARY_FAILURE,
                unreachable.check(new AuthenticatedUser("alex"), EmailAddress.parse(alexAlias)));
    }
}
