package dev.liaison.smtp.authentication;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One published DMARC record (RFC 7489 §6.3), reduced to what a receiver acts on. Tag names and
 * values are case-insensitive, except {@code v=DMARC1}, which must come first (§6.4).
 *
 * @param policy          {@code p=}, required
 * @param subdomainPolicy {@code sp=}; {@code p=} when absent or invalid
 * @param strictDkim      {@code adkim=s}; relaxed otherwise
 * @param strictSpf       {@code aspf=s}; relaxed otherwise
 * @param percent         {@code pct=}, 0..100; 100 when absent or invalid
 */
record DmarcPolicy(DmarcAction policy, DmarcAction subdomainPolicy, boolean strictDkim, boolean strictSpf,
                   int percent) {

    /** Whether {@code record} is meant as a DMARC record at all: its first tag is {@code v=DMARC1}. */
    static boolean isDmarc(String record) {
        int semicolon = record.indexOf(';');
        String first = (semicolon < 0 ? record : record.substring(0, semicolon)).strip();
        int equals = first.indexOf('=');
        return equals > 0 && first.substring(0, equals).strip().equalsIgnoreCase("v")
                && first.substring(equals + 1).strip().equals("DMARC1");
    }

    /** The policy of a record {@link #isDmarc} accepted; empty when {@code p=} is missing or invalid. */
    static Optional<DmarcPolicy> parse(String record) {
        Map<String, String> tags = tags(record);
        Optional<DmarcAction> policy = action(tags.get("p"));
        if (policy.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new DmarcPolicy(policy.get(),
                action(tags.get("sp")).orElse(policy.get()),
                "s".equals(tags.get("adkim")),
                "s".equals(tags.get("aspf")),
                percent(tags.get("pct"))));
    }

    /** The policy that applies to mail from {@code authorDomain} when this record was found at {@code recordDomain}. */
    DmarcAction actionFor(String authorDomain, String recordDomain) {
        return authorDomain.equals(recordDomain) ? policy : subdomainPolicy;
    }

    private static Map<String, String> tags(String record) {
        Map<String, String> tags = new HashMap<>();
        for (String item : record.split(";")) {
            int equals = item.indexOf('=');
            if (equals > 0) {
                tags.putIfAbsent(item.substring(0, equals).strip().toLowerCase(Locale.ROOT),
                        item.substring(equals + 1).strip().toLowerCase(Locale.ROOT));
            }
        }
        return tags;
    }

    private static Optional<DmarcAction> action(String value) {
        if (value == null) {
            return Optional.empty();
        }
        return switch (value) {
            case "none" -> Optional.of(DmarcAction.NONE);
            case "quarantine" -> Optional.of(DmarcAction.QUARANTINE);
            case "reject" -> Optional.of(DmarcAction.REJECT);
            default -> Optional.empty();
        };
    }

    private static int percent(String value) {
        if (value == null || !value.matches("[0-9]{1,3}")) {
            return 100;
        }
        int percent = Integer.parseInt(value);
        return percent > 100 ? 100 : percent;
    }
}
