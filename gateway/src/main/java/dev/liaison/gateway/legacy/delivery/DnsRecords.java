package dev.liaison.gateway.legacy.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The DNS records an administrator publishes so that plain email from this gateway is delivered
 * and trusted, in zone-file syntax: MX (where the Internet delivers to the domain), SPF (who may
 * send as the domain), DKIM (the key that verifies our signatures) and DMARC (what receivers do
 * when both fail). SPF and DMARC are suggestions; the DKIM record must be published exactly.
 */
public final class DnsRecords {

    /** A TXT record's strings are at most 255 octets each (RFC 1035 §3.3.14); longer text is split. */
    private static final int TXT_STRING = 255;
    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(?:\\.[0-9]{1,3}){3}");

    private final String domain;
    private final String mailHost;
    private final DkimKey key;
    private final LegacyRoute route;

    /**
     * @param mailHost the name this gateway's inbound SMTP answers at (the MX target)
     */
    public DnsRecords(String domain, String mailHost, DkimKey key, LegacyRoute route) {
        this.domain = domain;
        this.mailHost = mailHost;
        this.key = key;
        this.route = route;
    }

    /** The records with a comment line before each, ready to print. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        lines.add("; DNS records for " + domain + " (zone-file syntax; names end in '.')");
        lines.add("; MX: where mail to @" + domain + " is delivered (this gateway, SMTP port 25)");
        lines.add(domain + ". IN MX 10 " + mailHost + ".");
        lines.add("; SPF (suggested): the hosts that send mail as @" + domain);
        lines.add(domain + ". IN TXT \"" + spf() + "\"");
        lines.add("; DKIM: the key that verifies this gateway's signatures (selector " + key.selector()
                + "); publish it exactly");
        lines.add(key.recordName(domain) + ". IN TXT " + quoted(key.record()));
        lines.add("; the same DKIM value as one string, for DNS web forms: " + key.record());
        lines.add("; DMARC (suggested): receivers quarantine mail that claims @" + domain + " but passes neither");
        lines.add("_dmarc." + domain + ". IN TXT \"v=DMARC1; p=quarantine; adkim=s; aspf=r\"");
        if (route instanceof LegacyRoute.Off) {
            lines.add("; note: outgoing plain email is off; set legacy.relay.host or legacy.direct-mx=true");
        }
        return lines;
    }

    /** The gateway's MX host sends directly; a smarthost must be allowed too. */
    String spf() {
        if (route instanceof LegacyRoute.Smarthost s) {
            return "v=spf1 mx " + spfMechanism(s.smarthost().host()) + " ~all";
        }
        return "v=spf1 mx ~all";
    }

    /**
     * The mechanism that allows {@code host}: {@code a:} takes a domain name only (RFC 7208 §5.3,
     * its toplabel has a letter), so an IP literal, which {@code legacy.relay.host} may be
     * ({@code 192.0.2.10}, {@code [2001:db8::1]}), is named by {@code ip4:} or {@code ip6:} (§5.6);
     * {@code a:192.0.2.10} would be a permerror at every receiver.
     */
    private static String spfMechanism(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (bare.contains(":")) {
            return "ip6:" + bare;
        }
        return IPV4.matcher(bare).matches() ? "ip4:" + bare : "a:" + host;
    }

    /** {@code text} as one or more quoted strings of at most {@value #TXT_STRING} characters. */
    static String quoted(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i += TXT_STRING) {
            if (i > 0) {
                out.append(' ');
            }
            out.append('"').append(text, i, Math.min(text.length(), i + TXT_STRING)).append('"');
        }
        return out.toString();
    }
}
