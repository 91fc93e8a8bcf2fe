package dev.liaison.smtp.authentication;

import dev.liaison.smtp.address.AddressRefusedException;
import dev.liaison.smtp.address.EmailAddress;
import dev.liaison.smtp.address.PathParser;
import dev.liaison.smtp.dns.DnsLookup;
import dev.liaison.smtp.submission.ReversePath;
import java.util.Locale;
import java.util.Optional;
import org.apache.james.jspf.executor.SPFResult;
import org.apache.james.jspf.impl.SPF;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SPF (RFC 7208) with Apache James jSPF: the MAIL FROM identity, or the HELO identity when MAIL
 * FROM is {@code <>} (§2.4: then the check is of {@code postmaster@<helo>}). A HELO that is no DNS
 * name (an address literal) gives {@code none} without a question asked.
 */
final class SpfVerifier {

    private static final Logger LOG = LoggerFactory.getLogger(SpfVerifier.class);

    private final JspfDns dns;
    private final SPF spf;

    SpfVerifier(String hostname) {
        this.dns = new JspfDns(hostname);
        this.spf = new SPF(dns);
    }

    SpfCheck check(SenderIdentities identities, DnsLookup lookup) {
        Optional<EmailAddress> mailFrom = identities.sender().mailbox();
        if (mailFrom.isPresent()) {
            EmailAddress address = mailFrom.get();
            return new SpfCheck(verdict(identities, address.toString(), lookup), SpfIdentity.MAILFROM,
                    address.toString(), address.domain());
        }
        if (identities.sender() instanceof ReversePath.International utf8) {
            // RFC 8616 §4: SPF checks the domain (A-labels); the UTF-8 local part matters only to a
            // policy's %{l} macros, so jSPF is given postmaster@ that domain, an ASCII address it can read
            String domain = utf8.address().domain();
            return new SpfCheck(verdict(identities, "postmaster@" + domain, lookup), SpfIdentity.MAILFROM,
                    utf8.address().toString(), domain);
        }
        Optional<String> helo = heloDomain(identities.heloName());
        if (helo.isEmpty()) {
            return new SpfCheck(SpfResult.NONE, SpfIdentity.HELO, identities.heloName(), "");
        }
        return new SpfCheck(verdict(identities, "", lookup), SpfIdentity.HELO, helo.get(), helo.get());
    }

    private SpfResult verdict(SenderIdentities identities, String mailFrom, DnsLookup lookup) {
        String helo = heloDomain(identities.heloName()).orElse("unknown");
        try {
            SPFResult result = dns.using(lookup,
                    () -> spf.checkSPF(identities.client().getHostAddress(), mailFrom, helo));
            return parse(result.getResult());
        } catch (RuntimeException e) {
            LOG.warn("SPF check failed inside jSPF, reported as permerror: {}", e.toString());
            return SpfResult.PERMERROR;
        }
    }

    private static SpfResult parse(String jspfResult) {
        try {
            return SpfResult.valueOf(jspfResult.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            return SpfResult.PERMERROR;
        }
    }

    private static Optional<String> heloDomain(String helo) {
        try {
            return Optional.of(PathParser.parseDomain(helo));
        } catch (AddressRefusedException notADomain) {
            return Optional.empty();
        }
    }
}
