package dev.liaison.smtp.authentication;

import com.google.common.net.InternetDomainName;
import java.util.List;

/**
 * The organizational domain of RFC 7489 §3.2: the registered domain under the longest public
 * suffix, from the Public Suffix List that Guava ships. A domain under no listed suffix falls back to
 * the list's implicit rule {@code *} (the last label is the suffix), so {@code mail.sender.example}
 * belongs to {@code sender.example}. Used for relaxed alignment and to find a parent's policy.
 */
final class OrganizationalDomain {

    private OrganizationalDomain() {
    }

    /** @param domain a lower-case DNS name without the final dot */
    static String of(String domain) {
        InternetDomainName name;
        try {
            name = InternetDomainName.from(domain);
        } catch (IllegalArgumentException notADomainGuavaKnows) {
            return domain;
        }
        if (name.isUnderPublicSuffix()) {
            return name.topPrivateDomain().toString();
        }
        if (name.isPublicSuffix()) {
            return domain;
        }
        List<String> labels = name.parts();
        return labels.size() <= 2 ? domain : labels.get(labels.size() - 2) + "." + labels.get(labels.size() - 1);
    }

    /** Relaxed (same organizational domain) or strict (identical) identifier alignment, RFC 7489 §3.1. */
    static boolean aligned(String domain, String authorDomain, boolean strict) {
        if (domain.isEmpty()) {
            return false;
        }
        return strict ? domain.equalsIgnoreCase(authorDomain) : of(domain).equals(of(authorDomain));
    }
}
