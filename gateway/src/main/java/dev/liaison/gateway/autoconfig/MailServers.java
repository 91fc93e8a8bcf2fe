package dev.liaison.gateway.autoconfig;

import dev.liaison.gateway.config.Configuration;

import java.util.Objects;

/**
 * Where a mail client finds this gateway: the host name it connects to and the four ports, as
 * bound (the configured ones; the actual ones when 0 was configured).
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
     * The host clients connect to: the host of {@code http.public-url} when the administrator set
     * it (the gateway is reachable under that name, which need not be the mail domain), else the
     * domain, which is also the name in the generated certificate.
     */
    public static String hostnameOf(Configuration configuration) {
        return configuration.publicUrlDerived() || configuration.publicUrl().getHost() == null
                ? configuration.domain() : configuration.publicUrl().getHost();
    }
}
