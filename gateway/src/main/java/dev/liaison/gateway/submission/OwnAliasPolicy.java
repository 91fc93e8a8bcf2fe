package dev.liaison.gateway.submission;

import dev.liaison.mapping.alias.Alias;
import dev.liaison.mapping.alias.AliasAddress;
import dev.liaison.mapping.alias.AliasStore;
import dev.liaison.mapping.alias.AliasTarget;
import dev.liaison.mapping.alias.InvalidAliasException;
import dev.liaison.mapping.alias.PostgresAliasStore;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.relationship.PostgresRelationshipStore;
import dev.liaison.mapping.relationship.Relationship;
import dev.liaison.mapping.relationship.RelationshipStore;
import dev.liaison.smtp.address.EmailAddress;
import dev.liaison.smtp.submission.AuthenticatedUser;
import dev.liaison.smtp.submission.RecipientPolicy;
import dev.liaison.smtp.submission.RecipientVerdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.util.Optional;

/**
 * RCPT is accepted only for an active alias owned by the authenticated user — one delivering to
 * the user's own mailbox, or one writing to an active relationship of the user — and for the
 * gateway's service addresses {@code invite@} and {@code accept@} (permitted legacy destinations
 * join this check in a later issue). Everything else is refused: an address on our domain that is
 * no alias is unknown ({@code 550 5.1.1}); an alias that is disabled, removed or someone else's, a
 * relationship that is pending, blocked or ended, and any other domain, is refused ({@code 550 5.7.1}).
 */
public final class OwnAliasPolicy implements RecipientPolicy {

    private static final Logger LOG = LoggerFactory.getLogger(OwnAliasPolicy.class);

    private final Database db;
    private final String domain;
    private static final RelationshipStore RELATIONSHIPS = new PostgresRelationshipStore();
    private final AliasStore aliases = new PostgresAliasStore();

    public OwnAliasPolicy(Database db, String domain) {
        this.db = db;
        this.domain = domain;
    }

    @Override
    public RecipientVerdict check(AuthenticatedUser sender, EmailAddress recipient) {
        if (!domain.equals(recipient.domain())) {
            return RecipientVerdict.REFUSED; // no legacy delivery yet: never a relay
        }
        if (ServiceAddress.of(recipient, domain).isPresent()) {
            return RecipientVerdict.ACCEPT;
        }
        Optional<AliasAddress> address = parse(recipient);
        if (address.isEmpty()) {
            return RecipientVerdict.UNKNOWN;
        }
        try {
            return db.inTransaction(c -> aliases.find(c, address.get()).map(a -> verdict(c, sender, a))
                    .orElse(RecipientVerdict.UNKNOWN));
        } catch (Exception e) {
            LOG.warn("RCPT check failed, answering 451: {}", e.getMessage());
            return RecipientVerdict.TEMPORARY_FAILURE;
        }
    }

    /** The sender's usable alias whose target can take mail now; the handler asks again in its transaction. */
    static RecipientVerdict verdict(Connection c, AuthenticatedUser sender, Alias alias) {
        boolean own = alias.owner().value().equals(sender.id());
        boolean deliverable = alias.target() instanceof AliasTarget.Relationship r
                ? RELATIONSHIPS.find(c, r.id()).filter(Relationship::active).isPresent()
                : alias.target().mailbox();
        return own && alias.usable() && deliverable ? RecipientVerdict.ACCEPT : RecipientVerdict.REFUSED;
    }

    private static Optional<AliasAddress> parse(EmailAddress recipient) {
        try {
            return Optional.of(AliasAddress.of(recipient.localPart(), recipient.domain()));
        } catch (InvalidAliasException e) {
            return Optional.empty();
        }
    }
}
