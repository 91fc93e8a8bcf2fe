package dev.liaison.gateway.legacy.delivery;

import dev.liaison.gateway.config.ConfigKey;
import dev.liaison.gateway.config.Configuration;
import dev.liaison.gateway.config.ConfigurationException;
import dev.liaison.gateway.config.LegacySmarthost;
import dev.liaison.mapping.correspondent.LegacyFrom;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code legacy.*} and {@code dkim.*} keys: off by default, validated at start-up, the password never shown. */
class LegacyConfigurationTest {

    @Test
    void aFreshInstallSendsNoPlainEmail() {
        Configuration c = Configuration.defaultsWith(Map.of());
        assertInstanceOf(LegacyRoute.Off.class, LegacyRoute.of(c));
        assertEquals("liaison", c.dkimSelector());
    }

    @Test
    void aSmarthostWinsOverDirectMxAndItsPortFollowsItsSecurity() {
        Configuration c = Configuration.defaultsWith(Map.of("legacy.relay.host", "smtp.provider.example",
                "legacy.relay.tls", "tls", "legacy.relay.user", "gw", "legacy.relay.password", "s3cret",
                "legacy.direct-mx", "true"));
        LegacySmarthost smarthost = ((LegacyRoute.Smarthost) LegacyRoute.of(c)).smarthost();
        assertEquals(465, smarthost.port());
        assertEquals(LegacySmarthost.Security.TLS, smarthost.security());
        assertEquals(587, Configuration.defaultsWith(Map.of("legacy.relay.host", "smtp.provider.example"))
                .legacySmarthost().orElseThrow().port());
        assertInstanceOf(LegacyRoute.DirectMx.class,
                LegacyRoute.of(Configuration.defaultsWith(Map.of("legacy.direct-mx", "true"))));
    }

    @Test
    void thePasswordIsMaskedWherePrinted() {
        Configuration c = Configuration.defaultsWith(Map.of("legacy.relay.host", "smtp.provider.example",
                "legacy.relay.user", "gw", "legacy.relay.password", "s3cret-value"));
        assertEquals("<masked>", c.describe().get(ConfigKey.LEGACY_RELAY_PASSWORD).raw());
        assertFalse(c.legacySmarthost().orElseThrow().toString().contains("s3cret-value"));
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> Configuration.defaultsWith(Map.of(
                "legacy.relay.password", "s3cret-value")));
        assertFalse(e.getMessage().contains("s3cret-value"), e.getMessage());
    }

    @Test
    void authWithoutTlsIsRefusedAtStartUp() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> Configuration.defaultsWith(Map.of(
                "legacy.relay.host", "smtp.provider.example", "legacy.relay.tls", "none",
                "legacy.relay.user", "gw", "legacy.relay.password", "pw")));
        assertTrue(e.getMessage().contains("legacy.relay.tls") && e.getMessage().contains("unencrypted"),
                e.getMessage());
    }

    @Test
    void badValuesNameTheirKey() {
        assertRefused(Map.of("legacy.relay.host", "smtp.provider.example", "legacy.relay.tls", "ssl"), "legacy.relay.tls");
        assertRefused(Map.of("legacy.relay.host", "smtp.provider.example", "legacy.relay.port", "70000"),
                "legacy.relay.port");
        assertRefused(Map.of("legacy.relay.host", "not a host"), "legacy.relay.host");
        assertRefused(Map.of("legacy.relay.host", "smtp.provider.example", "legacy.relay.user", "gw"),
                "legacy.relay.user");
        assertRefused(Map.of("legacy.relay.host", "smtp.provider.example", "legacy.relay.password", "pw"),
                "legacy.relay.password");
        assertRefused(Map.of("legacy.relay.user", "gw"), "legacy.relay.user");
        assertRefused(Map.of("legacy.direct-mx", "yes"), "legacy.direct-mx");
        assertRefused(Map.of("dkim.selector", "two words"), "dkim.selector");
        assertRefused(Map.of("legacy.from", "own"), "legacy.from");
    }

    @Test
    void plainEmailLeavesFromOutwardAliasesUnlessPublishedIsChosen() {
        assertEquals(LegacyFrom.OUTWARD, Configuration.defaultsWith(Map.of()).legacyFrom());
        assertEquals(LegacyFrom.PUBLISHED, Configuration.defaultsWith(Map.of("legacy.from", "Published")).legacyFrom());
    }

    private static void assertRefused(Map<String, String> values, String key) {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> Configuration.defaultsWith(values),
                values.toString());
        assertTrue(e.getMessage().startsWith("configuration key '" + key + "'"), e.getMessage());
    }
}
