package dev.liaison.smtp.authentication;

import dev.liaison.smtp.dns.DnsLookup;
import dev.liaison.smtp.dns.DnsLookupException;
import dev.liaison.smtp.dns.DnsRecordType;
import java.util.List;
import java.util.Optional;

/**
 * DMARC (RFC 7489 §6.6): find the author domain's policy (§6.6.3: at {@code _dmarc.<domain>}, else
 * at its organizational domain), then pass if SPF or DKIM passed for an aligned domain, else apply
 * the policy.
 *
 * <p>Two receiver choices, both in the direction of not losing legitimate mail: {@code pct} below
 * 100 applies the next milder policy to every failing message (§6.6.4 samples instead; DMARCbis
 * turns {@code pct} into this "testing" mode), and a would-be {@code reject} where an aligned check
 * only failed for want of a DNS answer, or where the policy itself could not be fetched, is
 * deferred ({@code 451}) rather than refused or let through.
 */
final class DmarcEvaluator {

    DmarcCheck evaluate(String authorDomain, SpfCheck spf, List<DkimCheck> dkim, DnsLookup dns) {
        Discovery found;
        try {
            found = discover(authorDomain, dns);
        } catch (DnsLookupException e) {
            boolean passesAnyway = dkimAligned(dkim, authorDomain, false) || spfAligned(spf, authorDomain, false);
            return new DmarcCheck(DmarcResult.TEMPERROR, authorDomain, DmarcAction.NONE,
                    passesAnyway ? DmarcDisposition.DELIVER : DmarcDisposition.DEFER);
        }
        if (found instanceof Discovery.Absent) {
            return new DmarcCheck(DmarcResult.NONE, authorDomain, DmarcAction.NONE, DmarcDisposition.DELIVER);
        }
        if (!(found instanceof Discovery.Found published)) {
            return new DmarcCheck(DmarcResult.PERMERROR, authorDomain, DmarcAction.NONE, DmarcDisposition.DELIVER);
        }
        DmarcPolicy policy = published.policy();
        DmarcAction action = policy.actionFor(authorDomain, published.domain());
        if (dkimAligned(dkim, authorDomain, policy.strictDkim()) || spfAligned(spf, authorDomain, policy.strictSpf())) {
            return new DmarcCheck(DmarcResult.PASS, authorDomain, action, DmarcDisposition.DELIVER);
        }
        return new DmarcCheck(DmarcResult.FAIL, authorDomain, action, disposition(action, policy, authorDomain, spf, dkim));
    }

    private static DmarcDisposition disposition(DmarcAction action, DmarcPolicy policy, String authorDomain,
                                                SpfCheck spf, List<DkimCheck> dkim) {
        boolean sampled = policy.percent() < 100;
        DmarcDisposition disposition = switch (action) {
            case NONE -> DmarcDisposition.DELIVER;
            case QUARANTINE -> sampled ? DmarcDisposition.DELIVER : DmarcDisposition.QUARANTINE;
            case REJECT -> sampled ? DmarcDisposition.QUARANTINE : DmarcDisposition.REJECT;
        };
        if (disposition == DmarcDisposition.REJECT && missedForDns(policy, authorDomain, spf, dkim)) {
            return DmarcDisposition.DEFER;
        }
        return disposition;
    }

    /** Whether an aligned check ended in temperror: with its DNS answer the message might pass. */
    private static boolean missedForDns(DmarcPolicy policy, String authorDomain, SpfCheck spf, List<DkimCheck> dkim) {
        boolean dkimMissed = dkim.stream().anyMatch(c -> c.result() == DkimResult.TEMPERROR
                && OrganizationalDomain.aligned(c.domain(), authorDomain, policy.strictDkim()));
        boolean spfMissed = spf.result() == SpfResult.TEMPERROR
                && OrganizationalDomain.aligned(spf.domain(), authorDomain, policy.strictSpf());
        return dkimMissed || spfMissed;
    }

    private static boolean dkimAligned(List<DkimCheck> dkim, String authorDomain, boolean strict) {
        return dkim.stream().anyMatch(c -> c.result() == DkimResult.PASS
                && OrganizationalDomain.aligned(c.domain(), authorDomain, strict));
    }

    private static boolean spfAligned(SpfCheck spf, String authorDomain, boolean strict) {
        return spf.result() == SpfResult.PASS && OrganizationalDomain.aligned(spf.domain(), authorDomain, strict);
    }

    /** RFC 7489 §6.6.3 steps 1-4: the author domain's record, else its organizational domain's. */
    private static Discovery discover(String authorDomain, DnsLookup dns) throws DnsLookupException {
        Discovery own = recordsAt(authorDomain, dns);
        String organizational = OrganizationalDomain.of(authorDomain);
        if (!(own instanceof Discovery.Absent) || organizational.equals(authorDomain)) {
            return own;
        }
        return recordsAt(organizational, dns);
    }

    private static Discovery recordsAt(String domain, DnsLookup dns) throws DnsLookupException {
        List<String> dmarc = dns.lookup("_dmarc." + domain, DnsRecordType.TXT).stream()
                .filter(DmarcPolicy::isDmarc).toList();
        if (dmarc.isEmpty()) {
            return new Discovery.Absent();
        }
        // §6.6.3 step 5: several records are as good as none usable.
        Optional<DmarcPolicy> policy = dmarc.size() == 1 ? DmarcPolicy.parse(dmarc.get(0)) : Optional.empty();
        return policy.<Discovery>map(p -> new Discovery.Found(domain, p)).orElseGet(Discovery.Unusable::new);
    }

    /** What policy discovery found. */
    private sealed interface Discovery {
        /** No DMARC record at the author domain nor its organizational domain. */
        record Absent() implements Discovery {
        }

        /** Several records, or one without a valid {@code p=}. */
        record Unusable() implements Discovery {
        }

        /** One usable record, published at {@code domain}. */
        record Found(String domain, DmarcPolicy policy) implements Discovery {
        }
    }
}
