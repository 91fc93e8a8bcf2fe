package dev.liaison.gateway.transport.send;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DeliverySettingsTest {

    @Test
    void expiryIsParsedFromShortFormsAndIso8601() {
        assertEquals(Duration.ofDays(5), DeliverySettings.parseDuration("5d"));
        assertEquals(Duration.ofHours(12), DeliverySettings.parseDuration("12h"));
        assertEquals(Duration.ofMinutes(90), DeliverySettings.parseDuration("90m"));
        assertEquals(Duration.ofSeconds(30), DeliverySettings.parseDuration(" 30s "));
        assertEquals(Duration.ofDays(5), DeliverySettings.parseDuration("P5D"));
    }

    @Test
    void unparseableDurationNamesTheValueAndTheAcceptedForms() {
        var e = assertThrows(IllegalArgumentException.class, () -> DeliverySettings.parseDuration("5 days"));
        assertEquals("'5 days' is not a duration (e.g. 5d, 12h, 90m, 30s or P5D)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DeliverySettings.parseDuration("d"));
        assertThrows(IllegalArgumentException.class, () -> DeliverySettings.parseDuration(""));
    }

    @Test
    void leaseShorterThanTheRequestTimeoutIsRefused() {
        var d = DeliverySettings.defaults();
        var e = assertThrows(IllegalArgumentException.class, () -> new DeliverySettings(d.expiry(),
                d.destinationConcurrency(), d.deliveryThreads(), d.backoff(), Duration.ofSeconds(30),
                d.pollInterval(), d.clock()));
        assertEquals("claim lease PT30S must exceed the request timeout PT1M, or two workers could POST one"
                + " envelope at once", e.getMessage());
    }

    @Test
    void destinationConcurrencyAboveTheThreadCountIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> DeliverySettings.defaults().withConcurrency(9, 8));
    }
}
