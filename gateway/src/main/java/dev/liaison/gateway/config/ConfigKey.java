package dev.liaison.gateway.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Every configuration key Liaison understands, with its default. Scripts depend on these names:
 * they appear in {@code liaison.conf}, as {@code LIAISON_*} environment variables and as
 * {@code --key=value} options. An empty default means "not set".
 */
public enum ConfigKey {
    DOMAIN("domain", "localhost", "the mail domain of this gateway; aliases are created under it"),
    DATA_DIR("data-dir", "./liaison-data", "where the embedded database, certificate and keys live"),
    DATABASE_URL("database.url", "", "JDBC URL of an external PostgreSQL; unset: embedded PostgreSQL under data-dir"),
    DATABASE_USER("database.user", "", "user for database.url"),
    DATABASE_PASSWORD("database.password", "", "password for database.url"),
    SMTP_SUBMISSION_PORT("smtp.submission.port", "587", "SMTP submission with STARTTLS"),
    SMTP_SUBMISSIONS_PORT("smtp.submissions.port", "465", "SMTP submission over implicit TLS"),
    SMTP_INBOUND_PORT("smtp.inbound.port", "25", "inbound MX for plain email to published and correspondent aliases (STARTTLS offered, no AUTH, never relays)"),
    IMAP_PORT("imap.port", "143", "IMAP with STARTTLS"),
    IMAPS_PORT("imaps.port", "993", "IMAP over implicit TLS"),
    HTTP_PORT("http.port", "8443", "HTTPS: receiving service, health, metrics, autoconfiguration"),
    HTTP_TLS("http.tls", "true", "TLS on http.port; false serves plain HTTP and is meant only for loopback tests"),
    HTTP_METRICS_FROM("http.metrics-from", "private",
            "who may read /metrics: private (this machine and private networks) or any (the deliveries per"
                    + " destination host tell whom the users write to)"),
    MAIL_CLIENT_HOST("mail.client-host", "",
            "host name mail clients are told to connect to (autoconfiguration, Apple profile); unset: http.public-url's"
                    + " host when that is set, else domain"),
    MAIL_CLIENT_SUBMISSION_PORT("mail.client-submission-port", "",
            "SMTP submission (STARTTLS) port mail clients are told; unset: smtp.submission.port as bound"),
    MAIL_CLIENT_SUBMISSIONS_PORT("mail.client-submissions-port", "",
            "SMTP submission (implicit TLS) port mail clients are told; unset: smtp.submissions.port as bound"),
    MAIL_CLIENT_IMAP_PORT("mail.client-imap-port", "",
            "IMAP (STARTTLS) port mail clients are told; unset: imap.port as bound"),
    MAIL_CLIENT_IMAPS_PORT("mail.client-imaps-port", "",
            "IMAP (implicit TLS) port mail clients are told; unset: imaps.port as bound"),
    BIND_ADDRESS("bind-address", "0.0.0.0", "address every listener binds to (127.0.0.1: this machine only)"),
    TLS_CERTIFICATE("tls.certificate", "", "PEM certificate chain; unset: a self-signed one is generated in data-dir"),
    TLS_PRIVATE_KEY("tls.private-key", "", "PEM private key matching tls.certificate"),
    RELAY_EXPIRY("relay.expiry", "5d", "how long an undelivered relay message is retried before its sender gets a failure notice (5d, 12h, P5D)"),
    RELAY_DESTINATION_CONCURRENCY("relay.destination-concurrency", "4",
            "deliveries in flight from this node to one receiving service"),
    HTTP_PUBLIC_URL("http.public-url", "",
            "how peers reach this receiving service (https://host[:port]); unset: https://<domain>:<http.port>"),
    RELAY_TRUSTED_CERTIFICATES("relay.trusted-certificates", "",
            "PEM file of peer gateway certificates to trust besides the JDK's trust store (self-signed peers)"),
    RELAY_PRIVATE_DESTINATIONS("relay.private-destinations", "false",
            "true lets the relay POST to loopback and private-network addresses (one-machine tests and demos)"),
    RELAY_KEY_ROTATION("relay.key-rotation", "15d",
            "how often the receiving service's address keys rotate (older ones keep resolving while addresses live)"),
    LEGACY_RELAY_HOST("legacy.relay.host", "",
            "smarthost that carries plain (legacy) email to the Internet; unset: none (see legacy.direct-mx)"),
    LEGACY_RELAY_PORT("legacy.relay.port", "",
            "smarthost port; unset: 587 for starttls, 465 for tls, 25 for none"),
    LEGACY_RELAY_USER("legacy.relay.user", "", "login at the smarthost; unset: no AUTH"),
    LEGACY_RELAY_PASSWORD("legacy.relay.password", "", "password for legacy.relay.user"),
    LEGACY_RELAY_TLS("legacy.relay.tls", "starttls",
            "how to reach the smarthost: starttls (required), tls (implicit, port 465) or none (no AUTH then)"),
    LEGACY_DIRECT_MX("legacy.direct-mx", "false",
            "true delivers plain email straight to each recipient domain's MX when no smarthost is set"),
    LEGACY_FROM("legacy.from", "outward",
            "address users' plain email leaves from: outward (a fresh alias per correspondent) or published"
                    + " (the user's published address); per user: liaison user legacy-from"),
    DKIM_SELECTOR("dkim.selector", "liaison",
            "DKIM selector of the key that signs outgoing plain email (liaison dns prints its record)"),
    POSTMASTER("postmaster", "",
            "login of the user whose INBOX takes the MX's mail to postmaster@<domain> (RFC 5321 section 4.5.1);"
                    + " unset: such mail is refused");

    private final String key;
    private final String defaultValue;
    private final String description;

    ConfigKey(String key, String defaultValue, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    public String key() {
        return key;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    /** {@code LIAISON_} + the key upper-cased, with '.' and '-' turned into '_'. */
    public String environmentName() {
        return "LIAISON_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public static Optional<ConfigKey> byKey(String key) {
        return Arrays.stream(values()).filter(k -> k.key.equals(key)).findFirst();
    }

    /** The key whose {@link #environmentName()} is {@code name}. */
    public static Optional<ConfigKey> byEnvironmentName(String name) {
        return Arrays.stream(values()).filter(k -> k.environmentName().equals(name)).findFirst();
    }
}
