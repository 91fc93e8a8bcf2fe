package dev.liaison.smtp.testing;

import dev.liaison.smtp.address.EmailAddress;
import dev.liaison.smtp.submission.AuthenticatedUser;
import dev.liaison.smtp.submission.Credentials;
import dev.liaison.smtp.submission.RecipientPolicy;
import dev.liaison.smtp.submission.RecipientVerdict;
import dev.liaison.smtp.submission.SubmissionAuthenticator;
import dev.liaison.smtp.submission.TemporaryFailureException;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Users and aliases for tests, answering both of smtp-in's questions the way gateway will: alex
 * and blair each own aliases on {@code gw.example}; one of alex's aliases is disabled; every
 * {@code team.*} alias is alex's (for recipient-limit tests).
 */
public final class TestDirectory implements SubmissionAuthenticator, RecipientPolicy {

    public static final String DOMAIN = "gw.example";
    public static final String ALEX_PASSWORD = "correct horse battery staple";
    public static final String BLAIR_PASSWORD = "blair-secret-42";
    public static final String ALEX_ALIAS = "blair.k7q2xm@" + DOMAIN;
    public static final String ALEX_SECOND_ALIAS = "casey.p3v8wq@" + DOMAIN;
    public static final String ALEX_DISABLED_ALIAS = "dana.zz9f2a@" + DOMAIN;
    public static final String BLAIR_ALIAS = "alex.m4n5b6@" + DOMAIN;
    /** Alex's alias that takes messages of at most {@link #SMALL_ALIAS_TAKES} octets (as a relationship has its limit). */
    public static final String ALEX_SMALL_ALIAS = "erin.s1z3ok@" + DOMAIN;
    public static final long SMALL_ALIAS_TAKES = 2000;

    private static final Map<String, String> PASSWORDS = Map.of("alex", ALEX_PASSWORD, "blair", BLAIR_PASSWORD);
    private static final Map<String, String> OWNERS = Map.of(
            ALEX_ALIAS, "alex", ALEX_SECOND_ALIAS, "alex", ALEX_DISABLED_ALIAS, "alex", BLAIR_ALIAS, "blair",
            ALEX_SMALL_ALIAS, "alex");
    private static final Set<String> DISABLED = Set.of(ALEX_DISABLED_ALIAS);

    private final AtomicBoolean unavailable = new AtomicBoolean();
    private final AtomicInteger authenticationsChecked = new AtomicInteger();

    @Override
    public Optional<AuthenticatedUser> authenticate(Credentials credentials) throws TemporaryFailureException {
        if (unavailable.get()) {
            throw new TemporaryFailureException("test directory is unavailable");
        }
        authenticationsChecked.incrementAndGet();
        String expected = PASSWORDS.get(credentials.login());
        return expected != null && expected.equals(credentials.password())
                ? Optional.of(new AuthenticatedUser(credentials.login()))
                : Optional.empty();
    }

    @Override
    public RecipientVerdict check(AuthenticatedUser sender, EmailAddress recipient) {
        if (unavailable.get()) {
            throw new IllegalStateException("test directory is unavailable");
        }
        String owner = recipient.localPart().startsWith("team.") && recipient.domain().equals(DOMAIN)
                ? "alex" : OWNERS.get(recipient.toString());
        if (owner == null) {
            return recipient.domain().equals(DOMAIN) ? RecipientVerdict.UNKNOWN : RecipientVerdict.REFUSED;
        }
        if (!owner.equals(sender.id()) || DISABLED.contains(recipient.toString())) {
            return RecipientVerdict.REFUSED;
        }
        return RecipientVerdict.ACCEPT;
    }

    @Override
    public RecipientVerdict check(AuthenticatedUser sender, EmailAddress recipient, OptionalLong declaredSize) {
        RecipientVerdict verdict = check(sender, recipient);
        boolean tooLarge = recipient.toString().equals(ALEX_SMALL_ALIAS) && declaredSize.orElse(0) > SMALL_ALIAS_TAKES;
        return verdict == RecipientVerdict.ACCEPT && tooLarge ? RecipientVerdict.TOO_LARGE : verdict;
    }

    public void setUnavailable(boolean value) {
        unavailable.set(value);
    }

    /** How many attempts reached the password check (throttled ones do not). */
    public int authenticationsChecked() {
        return authenticationsChecked.get();
    }
}
