package dev.liaison.gateway.autoconfig;

import dev.liaison.gateway.config.ConfigKey;
import dev.liaison.gateway.config.Configuration;

import java.util.Objects;

/**
 * Where a mail client finds this gateway: the host name it connects to and the four ports
 * ({@link #forClients}: as configured for clients, else as bound).
 *
 * @param domain   the mail domain (users' addresses end in it)
 * @param hostname the name clients connect to, and the name the TLS certificate must carry
 */
public record MailServers(String domain, String hostname, int imapPort, int imapsPort, int submissionPort,
                          int submissionsPort) {

    public MailServers {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(hostname, "hostname");
        for (int port : new int[] {imapPort, imapsPort, submissionPort, submissionsPort}) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port " + port + " outside 1..65535");
            }
        }
    }

    /**
     * What mail clients are told: {@code mail.client-host} and the {@code mail.client-*-port}s where
     * set (a proxy, NAT or container runtime puts the listeners elsewhere), else this gateway's name
     * and the listeners' bound ports.
     */
    public static MailServers forClients(Configuration configuration, int imapPort, int imapsPort, int submissionPort,
                                         int submissionsPort) {
        return new MailServers(configuration.domain(), configuration.mailClientHost(),
                configuration.clientPort(ConfigKey.IMAP_PORT, imapPort),
                configuration.clientPort(ConfigKey.IMAPS_PORT, imapsPort),
                configuration.clientPort(ConfigKey.SMTP_SUBMISSION_PORT, submissionPort),
                configuration.clientPort(ConfigKey.SMTP_SUBMISSIONS_PORT, submissionsPort));
    }

    /**
     * The gateway's own host name (the MX's greeting, the MX record): the host of
     * {@code http.public-url} when the administrator set it (the gateway is reachable under that
     * name, which need not be the mail domain), else the domain, which is also the name in the
     * generated certificate. Mail clients are told {@link Configuration#mailClientHost()}.
     */
    public static String hostnameOf(Configuration configuration) {
        return configuration.publicUrlDerived() || configuration.publicUrl().getHost() == null
                ? configuration.domain() : configuration.publicUrl().getHost();
    }
}
