package dev.liaison.gateway.legacy.delivery;

import java.util.List;

/**
 * Finds where mail for a domain goes (RFC 5321 §5.1): its mail exchangers by preference, each
 * resolved to addresses, or the domain's own addresses when it publishes no MX. Production uses
 * {@link DnsMxLookup}; tests may point a domain at a local server.
 *
 * <p>Contract: returns at least one target, best first, at most {@link Limits#MAX_TARGETS}; throws
 * {@link MxLookupException} saying whether the failure is permanent (the domain does not exist or
 * accepts no mail) or may pass (a DNS timeout). Called on delivery threads; thread-safe.
 */
@FunctionalInterface
public interface MxLookup {

    List<MailTarget> targets(String domain) throws MxLookupException;
}
