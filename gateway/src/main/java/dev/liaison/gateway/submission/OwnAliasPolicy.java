package dev.liaison.gateway.submission;

import dev.liaison.mapping.alias.Alias;
import dev.liaison.mapping.alias.AliasAddress;
import dev.liaison.mapping.alias.AliasStore;
import dev.liaison.mapping.alias.AliasTarget;
import dev.liaison.mapping.alias.InvalidAliasException;
import dev.liaison.mapping.alias.PostgresAliasStore;
import dev.liaison.mapping.database.Database;
import dev.liaison.smtp.address.EmailAddress;
import dev.liaison.smtp.submission.AuthenticatedUser;
import dev.liaison.smtp.submission.RecipientPolicy;
import dev.liaison.smtp.submission.RecipientVerdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * RCPT is accepted only for an active alias owned by the authenticated user (relationship aliases
 * and permitted legacy destinations join this check in later issues). Everything else is refused:
 * an address on our domain that is no alias is unknown ({@code 550 5.1.1}); an alias that is
 * disabled, removed or someone else's, and any other domain, is refused ({@code 550 5.7.1}).
 */
public final class OwnAliasPolicy implements RecipientPolicy {

    private static final Logger LOG = LoggerFactory.getLogger(OwnAliasPolicy.class);

    private final Database db;
    private final String domain;
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
        Optional<AliasAddress> address = parse(recipient);
        if (address.isEmpty()) {
            return RecipientVerdict.UNKNOWN;
        }
        try {
            Optional<Alias> alias = db.inTransaction(c -> aliases.find(c, address.get()));
            return alias.map(a -> verdict(sender, a)).orElse(RecipientVerdict.UNKNOWN);
        } catch (Exception e) {
            LOG.warn("RCPT check failed, answering 451: {}", e.getMessage());
            return RecipientVerdict.TEMPORARY_FAILURE;
        }
    }

    /**
     * Until the relay delivers relationship aliases, only aliases targeting the owner's mailbox
     * are accepted: a relationship alias would otherwise pass RCPT and then fail at DATA.
     */
    static RecipientVerdict verdict(AuthenticatedUser sender, Alias alias) {
        boolean own = alias.owner().value().equals(sender.id());
        boolean deliverable = alias.target() instanceof AliasTarget.OwnerMailbox;
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
