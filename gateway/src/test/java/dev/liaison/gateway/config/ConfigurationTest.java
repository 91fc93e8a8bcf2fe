package dev.liaison.gateway.config;

import dev.liaison.mapping.database.DatabaseLocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigurationTest {

    @TempDir
    Path dir;

    @Test
    void defaultsAreTheDocumentedOnes() {
        Configuration c = new ConfigurationSources().resolve();
        assertEquals("localhost", c.domain());
        assertEquals(Path.of("liaison-data").toAbsolutePath(), c.dataDir());
        assertEquals(587, c.port(ConfigKey.SMTP_SUBMISSION_PORT));
        assertEquals(465, c.port(ConfigKey.SMTP_SUBMISSIONS_PORT));
        assertEquals(143, c.port(ConfigKey.IMAP_PORT));
        assertEquals(993, c.port(ConfigKey.IMAPS_PORT));
        assertEquals(8443, c.port(ConfigKey.HTTP_PORT));
        assertInstanceOf(DatabaseLocation.Embedded.class, c.database());
        assertEquals(new TlsSource.Generated(c.dataDir().resolve("tls")), c.tls());
    }

    @Test
    void environmentNamesFollowTheRule() {
        assertEquals("LIAISON_SMTP_SUBMISSION_PORT", ConfigKey.SMTP_SUBMISSION_PORT.environmentName());
        assertEquals("LIAISON_DATA_DIR", ConfigKey.DATA_DIR.environmentName());
        assertEquals("LIAISON_TLS_PRIVATE_KEY", ConfigKey.TLS_PRIVATE_KEY.environmentName());
    }

    @Test
    void commandLineBeatsEnvironmentBeatsFileBeatsDefault() throws IOException {
        Path file = write("domain=file.example\nimap.port=1143\nimaps.port=1993\n");
        Configuration c = new ConfigurationSources()
                .file(file)
                .environment(Map.of("LIAISON_IMAP_PORT", "2143", "LIAISON_DOMAIN", "env.example"))
                .option("domain", "cli.example")
                .resolve();
        assertEquals("cli.example", c.domain());
        assertEquals(2143, c.port(ConfigKey.IMAP_PORT));
        assertEquals(1993, c.port(ConfigKey.IMAPS_PORT));
        assertEquals(8443, c.port(ConfigKey.HTTP_PORT));
    }

    @Test
    void unknownKeyInFileFailsNamingKeyAndFile() throws IOException {
        Path file = write("domain=a.example\nimap.prot=143\n");
        var e = assertThrows(ConfigurationException.class, () -> new ConfigurationSources().file(file));
        assertEquals("unknown configuration key 'imap.prot' in " + file + " (see README: Configuration)", e.getMessage());
    }

    @Test
    void unknownCommandLineKeyFails() {
        var e = assertThrows(ConfigurationException.class, () -> new ConfigurationSources().option("smtp.port", "25"));
        assertTrue(e.getMessage().startsWith("unknown configuration key 'smtp.port' on the command line"), e.getMessage());
    }

    @Test
    void otherLiaisonEnvironmentVariablesAreNotConfiguration() {
        Configuration c = new ConfigurationSources().environment(Map.of("LIAISON_TEST_JDBC_URL", "x")).resolve();
        assertEquals("localhost", c.domain());
    }

    @Test
    void badValuesFailNamingKeyOriginAndProblem() {
        var e = assertThrows(ConfigurationException.class, () -> new ConfigurationSources()
                .environment(Map.of("LIAISON_SMTP_SUBMISSION_PORT", "sixty")).resolve());
        assertEquals("configuration key 'smtp.submission.port' (from environment LIAISON_SMTP_SUBMISSION_PORT):"
                + " 'sixty' is not a port (0-65535; 0 picks a free port)", e.getMessage());
        assertThrows(ConfigurationException.class, () -> Configuration.defaultsWith(Map.of("imaps.port", "65536")));
        var domain = assertThrows(ConfigurationException.class, () -> Configuration.defaultsWith(Map.of("domain", "a_b.example")));
        assertTrue(domain.getMessage().startsWith("configuration key 'domain' (from option --domain): 'a_b.example'"));
        assertThrows(ConfigurationException.class, () -> Configuration.defaultsWith(Map.of("bind-address", "example.org")));
        assertThrows(ConfigurationException.class, () -> Configuration.defaultsWith(Map.of("database.url", "postgres://x")));
    }

    @Test
    void relayKeysAreParsedAndBadValuesNamed() {
        Configuration c = Configuration.defaultsWith(Map.of("relay.expiry", "12h", "http.tls", "false",
                "relay.destination-concurrency", "8"));
        assertEquals(java.time.Duration.ofHours(12), c.relayExpiry());
        assertFalse(c.httpTls());
        assertEquals(8, c.relayDestinationConcurrency());
        assertEquals(java.time.Duration.ofDays(5), new ConfigurationSources().resolve().relayExpiry());
        var e = assertThrows(ConfigurationException.class, () -> Configuration.defaultsWith(Map.of("relay.expiry", "soon")));
        assertTrue(e.getMessage().startsWith("configuration key 'relay.expiry' (from option --relay.expiry): 'soon'"));
        assertThrows(ConfigurationException.class, () -> Configuration.defaultsWith(Map.of("relay.expiry", "0s")));
        assertThrows(ConfigurationException.class, () -> Configuration.defaultsWith(Map.of("relay.expiry", "91d")));
        var far = assertThrows(ConfigurationException.class,
                () -> Configuration.defaultsWith(Map.of("relay.key-rotation", "99999999999d")));
        assertTrue(far.getMessage().contains("at most ten years"), far.getMessage());
        var twice = assertThrows(ConfigurationException.class,
                () -> Configuration.defaultsWith(Map.of("smtp.submission.port", "2143", "imap.port", "2143")));
        assertTrue(twice.getMessage().contains("is also smtp.submission.port's port"), twice.getMessage());
        Configuration.defaultsWith(Map.of("smtp.submission.port", "0", "imap.port", "0")); // the system chooses each
        var tls = assertThrows(ConfigurationException.class, () -> Configuration.defaultsWith(Map.of("legacy.relay.tls", "bogus")));
        assertTrue(tls.getMessage().contains("legacy.relay.tls"), "checked with no smarthost too: " + tls.getMessage());
        assertThrows(ConfigurationException.class, () -> Configuration.defaultsWith(Map.of("http.tls", "yes")));
        assertThrows(ConfigurationException.class,
                () -> Configuration.defaultsWith(Map.of("relay.destination-concurrency", "0")));
    }

    @Test
    void databaseCredentialsWithoutUrlAreRefusedAndThePasswordIsMasked() {
        var e = assertThrows(ConfigurationException.class,
                () -> Configuration.defaultsWith(Map.of("database.password", "hunter2")));
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        assertTrue(e.getMessage().contains("is set but database.url is not"), e.getMessage());
    }

    @Test
    void externalDatabaseIsUsedWhenUrlIsSet() {
        Configuration c = Configuration.defaultsWith(Map.of("database.url", "jdbc:postgresql://db:5432/liaison",
                "database.user", "liaison", "database.password", "pw"));
        assertEquals(new DatabaseLocation.External("jdbc:postgresql://db:5432/liaison", "liaison", "pw"), c.database());
        assertFalse(c.describe().toString().contains("=pw"), "password masked in describe()");
    }

    @Test
    void certificateAndKeyGoTogether() {
        var e = assertThrows(ConfigurationException.class,
                () -> Configuration.defaultsWith(Map.of("tls.certificate", "/etc/cert.pem")));
        assertTrue(e.getMessage().startsWith("configuration key 'tls.private-key'"), e.getMessage());
        Configuration c = Configuration.defaultsWith(Map.of("tls.certificate", "/etc/c.pem", "tls.private-key", "/etc/k.pem"));
        assertEquals(new TlsSource.Files(Path.of("/etc/c.pem"), Path.of("/etc/k.pem")), c.tls());
    }

    @Test
    void malformedFileIsReportedNotIgnored() throws IOException {
        Path file = write("domain=\\uZZZZ\n");
        var e = assertThrows(ConfigurationException.class, () -> new ConfigurationSources().file(file));
        assertTrue(e.getMessage().startsWith("configuration file " + file + " is malformed"), e.getMessage());
    }

    private Path write(String content) throws IOException {
        Path file = dir.resolve("liaison.conf");
        Files.writeString(file, content);
        return file;
    }

    @Test
    void aMistypedEnvironmentVariableIsReportedNotSilentlyIgnored() {
        ConfigurationSources sources = new ConfigurationSources().environment(Map.of("LIAISON_DOMIAN", "x.example",
                "LIAISON_DOMAIN", "mail.example", "LIAISON_TEST_JDBC_URL", "jdbc:x", "PATH", "/bin"));
        assertEquals(java.util.List.of("LIAISON_DOMIAN"), sources.unknownEnvironment());
        assertEquals("mail.example", sources.resolve().domain());
    }

    @Test
    void aPasswordInsideTheDatabaseUrlIsMaskedWhenTheConfigurationIsShown() {
        assertEquals("jdbc:postgresql://db:5432/liaison?user=l&password=<masked>&ssl=true",
                dev.liaison.mapping.database.DatabaseLocation.External.shown("jdbc:postgresql://db:5432/liaison?user=l&password=s3cret&ssl=true"));
        assertEquals("jdbc:postgresql://l:<masked>@db:5432/liaison",
                dev.liaison.mapping.database.DatabaseLocation.External.shown("jdbc:postgresql://l:s3cret@db:5432/liaison"));
        assertEquals("jdbc:postgresql://db:5432/liaison", dev.liaison.mapping.database.DatabaseLocation.External.shown("jdbc:postgresql://db:5432/liaison"));
        String shown = Configuration.defaultsWith(Map.of("database.url", "jdbc:postgresql://db/l?password=s3cret",
                "database.user", "l")).describe().get(ConfigKey.DATABASE_URL).raw();
        assertFalse(shown.contains("s3cret"), shown);
    }

    @Test
    void describeShowsWhatAnUnsetKeyIsDerivedAsAndSaysSo() {
        Configuration c = Configuration.defaultsWith(Map.of("domain", "mail.example", "data-dir", dir.toString(),
                "legacy.relay.host", "smtp.isp.example", "legacy.relay.tls", "tls"));
        var shown = c.describe();
        assertEquals(new ConfigurationSources.Value("https://mail.example:8443", "default, derived from domain and http.port"),
                shown.get(ConfigKey.HTTP_PUBLIC_URL));
        assertEquals(new ConfigurationSources.Value(dir.resolve("tls/certificate.pem").toString(),
                "default, derived: self-signed for mail.example, generated in data-dir"), shown.get(ConfigKey.TLS_CERTIFICATE));
        assertEquals(dir.resolve("tls/private-key.pem").toString(), shown.get(ConfigKey.TLS_PRIVATE_KEY).raw());
        assertEquals(new ConfigurationSources.Value("465", "default, derived from legacy.relay.tls"),
                shown.get(ConfigKey.LEGACY_RELAY_PORT));
        assertEquals(new ConfigurationSources.Value("", "default, unset: embedded PostgreSQL in " + dir.resolve("postgres")),
                shown.get(ConfigKey.DATABASE_URL));
        assertEquals(new ConfigurationSources.Value(dir.toString(), "option --data-dir"), shown.get(ConfigKey.DATA_DIR));
        assertEquals(new ConfigurationSources.Value("", "default"), shown.get(ConfigKey.POSTMASTER), "unset is unset");
    }

    @Test
    void describeShowsSetValuesAsTheyAreUsedAndDerivesNothingForThem() {
        Configuration c = Configuration.defaultsWith(Map.of("domain", "mail.example", "http.public-url",
                "https://relay.example:443", "tls.certificate", "/etc/c.pem", "tls.private-key", "/etc/k.pem",
                "http.port", "0"));
        var shown = c.describe();
        assertEquals(new ConfigurationSources.Value("https://relay.example:443", "option --http.public-url"),
                shown.get(ConfigKey.HTTP_PUBLIC_URL));
        assertEquals(new ConfigurationSources.Value("/etc/c.pem", "option --tls.certificate"), shown.get(ConfigKey.TLS_CERTIFICATE));
        assertEquals(new ConfigurationSources.Value("", "default"), shown.get(ConfigKey.LEGACY_RELAY_PORT), "no smarthost");
        assertEquals(java.util.List.of("mail.example", "relay.example"), c.generatedCertificateNames());
        assertEquals("https://mail.example:<bound port>", Configuration.defaultsWith(Map.of("domain", "mail.example",
                "http.port", "0")).describe().get(ConfigKey.HTTP_PUBLIC_URL).raw());
        assertEquals(java.util.List.of("mail.example"), Configuration.defaultsWith(Map.of("domain", "mail.example"))
                .generatedCertificateNames());
    }

    @Test
    void whatMailClientsAreToldIsCheckedAndShownDerivedWhenUnset() {
        var shown = Configuration.defaultsWith(Map.of("domain", "mail.example", "http.public-url", "https://gw-a:8443",
                "imaps.port", "0")).describe();
        assertEquals(new ConfigurationSources.Value("gw-a", "default, derived from http.public-url"),
                shown.get(ConfigKey.MAIL_CLIENT_HOST));
        assertEquals(new ConfigurationSources.Value("587", "default, derived from smtp.submission.port"),
                shown.get(ConfigKey.MAIL_CLIENT_SUBMISSION_PORT));
        assertEquals("<bound port>", shown.get(ConfigKey.MAIL_CLIENT_IMAPS_PORT).raw());
        Configuration set = Configuration.defaultsWith(Map.of("domain", "mail.example", "mail.client-host", "Localhost",
                "mail.client-imaps-port", "1993"));
        assertEquals(new ConfigurationSources.Value("1993", "option --mail.client-imaps-port"),
                set.describe().get(ConfigKey.MAIL_CLIENT_IMAPS_PORT));
        assertEquals("localhost", set.mailClientHost());
        assertEquals(1993, set.clientPort(ConfigKey.IMAPS_PORT, 993));
        assertEquals(143, set.clientPort(ConfigKey.IMAP_PORT, 143), "unset: as bound");
        assertEquals(java.util.List.of("mail.example", "localhost"), set.generatedCertificateNames(),
                "the certificate a client is shown names the host it was told");
        assertEquals("LIAISON_MAIL_CLIENT_HOST", ConfigKey.MAIL_CLIENT_HOST.environmentName());
        assertEquals("LIAISON_MAIL_CLIENT_SUBMISSION_PORT", ConfigKey.MAIL_CLIENT_SUBMISSION_PORT.environmentName());
        var host = assertThrows(ConfigurationException.class,
                () -> Configuration.defaultsWith(Map.of("mail.client-host", "https://gw-a")));
        assertTrue(host.getMessage().contains("mail.client-host"), host.getMessage());
        var port = assertThrows(ConfigurationException.class,
                () -> Configuration.defaultsWith(Map.of("mail.client-imap-port", "0")));
        assertTrue(port.getMessage().contains("mail.client-imap-port"), port.getMessage());
    }
}
