package dev.liaison.gateway.cli;

import dev.liaison.gateway.autoconfig.MailServers;
import dev.liaison.gateway.config.Configuration;
import dev.liaison.gateway.keys.KeyEncryptionKey;
import dev.liaison.gateway.legacy.delivery.DkimKey;
import dev.liaison.gateway.legacy.delivery.DkimKeys;
import dev.liaison.gateway.legacy.delivery.DnsRecords;
import dev.liaison.gateway.legacy.delivery.LegacyRoute;
import dev.liaison.gateway.legacy.delivery.LegacySchema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/**
 * {@code liaison dns}: the DNS records to publish for the gateway's domain (MX, SPF, DKIM, DMARC).
 * The DKIM key is the one outgoing mail is signed with; it is created here if the gateway has not
 * started yet, so the record can be published before the first message leaves.
 */
@Command(name = "dns", description = "Print the DNS records to publish for this gateway's domain: MX, SPF, DKIM, DMARC.")
public final class DnsCommand implements Callable<Integer> {

    @Mixin CommonOptions common;

    @Override
    public Integer call() throws Exception {
        Configuration configuration = common.configuration();
        try (AdminSession session = new AdminSession(configuration)) {
            LegacySchema.migrate(session.database());
            KeyEncryptionKey kek = KeyEncryptionKey.loadOrCreate(configuration.dataDir(), session.database());
            DkimKey key = session.database().inTransaction(c ->
                    new DkimKeys(kek).loadOrCreate(c, configuration.dkimSelector()));
            new DnsRecords(configuration.domain(), MailServers.hostnameOf(configuration), key,
                    LegacyRoute.of(configuration)).lines()
                    .forEach(System.out::println);
        }
        return 0;
    }
}
