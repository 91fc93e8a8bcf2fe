package dev.liaison.gateway.metrics;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** IMAP's command timers, as /metrics writes them (the scrape over a real listener: OperationsEndToEndTest). */
class ImapMetersTest {

    /** The commands' series are there at 0 before the first command, so a rate over them counts it. */
    @Test
    void commandSeriesExistBeforeTheFirstCommand() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ImapMeters meters = new ImapMeters(registry);
        for (String command : new String[] {"LOGIN", "SELECT", "FETCH", "IDLE", "APPEND"}) {
            assertTrue(registry.scrape().contains("liaison_imap_commands_seconds_count{command=\"" + command + "\"} 0"),
                    command);
        }
        meters.commandAnswered("FETCH", 1_000_000);
        Timer fetch = registry.find("liaison.imap.commands").tag("command", "FETCH").timer();
        assertNotNull(fetch);
        assertEquals(1, fetch.count());
    }
}
