package dev.liaison.gateway.legacy.delivery;

import dev.liaison.gateway.config.Configuration;
import dev.liaison.gateway.config.LegacySmarthost;

import java.util.Objects;

/** Which way plain email leaves this gateway, as the administrator configured it. */
public sealed interface LegacyRoute {

    /** Neither a smarthost nor direct delivery: plain recipients are refused (the default). */
    record Off() implements LegacyRoute {
    }

    /** Through the smarthost ({@code legacy.relay.host}); it wins over direct delivery. */
    record Smarthost(LegacySmarthost smarthost) implements LegacyRoute {
        public Smarthost {
            Objects.requireNonNull(smarthost, "smarthost");
        }
    }

    /** Straight to each recipient domain's MX ({@code legacy.direct-mx=true}, no smarthost). */
    record DirectMx() implements LegacyRoute {
    }

    static LegacyRoute of(Configuration configuration) {
        if (configuration.legacySmarthost().isPresent()) {
            return new Smarthost(configuration.legacySmarthost().get());
        }
        return configuration.legacyDirectMx() ? new DirectMx() : new Off();
    }
}
