package dev.liaison.gateway.submission;

import dev.liaison.mapping.alias.Addressee;
import dev.liaison.mapping.alias.Alias;
import dev.liaison.mapping.alias.AliasAddress;
import dev.liaison.mapping.alias.AliasStore;
import dev.liaison.mapping.alias.AliasTarget;
import dev.liaison.mapping.alias.InvalidAliasException;
import dev.liaison.mapping.alias.PostgresAliasStore;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.relationship.RelationshipState;
import dev.liaison.smtp.address.EmailAddress;
import dev.liaison.smtp.submission.AuthenticatedUser;
import dev.liaison.smtp.submission.RecipientPolicy;
import dev.liaison.smtp.submission.RecipientVerdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * RCPT is accepted only for an active alias owned by the authenticated user — one delivering to
 * the user's own mailbox, or one writing to an active relationship of the user — and for the
 * gateway's service addresses {@code invite@} and {@code accept@}; a plain address on another
 * domain only when this gateway sends plain email (docs/legacy.md; otherwise {@code 550 5.7.1}
 * "legacy email is not configured"). Everything else is refused: an address on our domain that is
 * no alias is unknown ({@code 550 5.1.1}); an alias that is disabled, removed or someone else's, a
 * relationship that is pending, blocked or ended is refused ({@code 550 5.7.1}). A stranger's
 * request (REQUESTED) may be answered: that accepts it.
 */
public final class OwnAliasPolicy implements RecipientPolicy {

    private static final Logger LOG = LoggerFactory.getLogger(OwnAliasPolicy.class);

    private final Database db;
    private final String domain;
    private final AliasStore aliases = new PostgresAliasStore();

    private final BooleanSupplier legacyEmail;

    /** @param legacyEmail whether this gateway sends plain email to other domains (asked per RCPT) */
    public OwnAliasPolicy(Database db, String domain, BooleanSupplier legacyEmail) {
        this.db = db;
        this.domain = domain;
        this.legacyEmail = legacyEmail;
    }

    @Override
    public RecipientVerdict check(AuthenticatedUser sender, EmailAddress recipient) {
        if (!domain.equals(recipient.domain())) {
            // only an authenticated user gets here: sending for them is not relaying for strangers
            return legacyEmail.getAsBoolean() ? RecipientVerdict.ACCEPT : RecipientVerdict.NO_LEGACY_EMAIL;
        }
        if (ServiceAddress.of(recipient, domain).isPresent()) {
            return RecipientVerdict.ACCEPT;
        }
        Optional<AliasAddress> address = parse(recipient);
        if (address.isEmpty()) {
            return RecipientVerdict.UNKNOWN;
        }
        // One autocommit read, no BEGIN/COMMIT: this verdict only shapes the RCPT reply, and the
        // handler asks again inside the transaction that commits the message.
        try {
            return db.inAutocommit(c -> aliases.findAddressee(c, address.get()).map(a -> verdict(sender, a))
                    .orElse(RecipientVerdict.UNKNOWN));
        } catch (RuntimeException e) {
            LOG.warn("RCPT check failed, answering 451: {}", e.getMessage());
            return RecipientVerdict.TEMPORARY_FAILURE;
        }
    }

    /** The sender's usable alias whose target can take mail now; the handler asks again in its transaction. */
    static RecipientVerdict verdict(AuthenticatedUser sender, Addressee addressee) {
        Alias alias = addressee.alias();
        boolean own = alias.owner().value().equals(sender.id());
        boolean deliverable = alias.target() instanceof AliasTarget.Relationship
                ? addressee.relationshipState().filter(s -> s == RelationshipState.ACTIVE
                        || s == RelationshipState.REQUESTED).isPresent()
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
