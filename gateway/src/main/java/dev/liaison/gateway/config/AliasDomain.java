package dev.liaison.gateway.config;

import dev.liaison.mapping.alias.PostgresAliasStore;
import dev.liaison.mapping.database.Database;

import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code domain} is fixed once aliases exist: correspondents, peers' users and mail clients know
 * the addresses under it, and a gateway serves one domain, so after a change none of them would
 * work any more (submission refuses them as not the user's, the MX as not local, logins with the
 * old address fail). Checked by {@code serve} and every admin command before they use the database.
 */
public final class AliasDomain {

    private AliasDomain() {
    }

    /** A {@link ConfigurationException} if aliases in use are under another domain than {@code domain}. */
    public static void requireConfigured(Database db, String domain) {
        Map<String, Long> others = db.inTransaction(c -> new PostgresAliasStore().domainsOtherThan(c, domain));
        if (others.isEmpty()) {
            return;
        }
        String found = others.entrySet().stream().map(e -> e.getValue() + " under " + e.getKey())
                .collect(Collectors.joining(", "));
        String first = others.keySet().iterator().next();
        throw new ConfigurationException("domain is " + domain + ", but this database holds aliases under another"
                + " domain (" + found + "): the domain cannot be changed once aliases exist, since every"
                + " correspondent, peer and mail client knows the addresses under it; set domain=" + first
                + " again, or serve " + domain + " from a new data directory and database");
    }
}
