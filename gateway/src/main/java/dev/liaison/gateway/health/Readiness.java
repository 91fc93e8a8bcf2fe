package dev.liaison.gateway.health;

import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Whether this gateway can do its work now: every listener accepts connections and the database
 * answers. A load balancer or orchestrator stops sending clients to a gateway that is not ready;
 * liveness (the process runs) is a separate, trivial question.
 */
public final class Readiness {

    private final DatabaseProbe database;
    private final List<Listener> listeners;

    public Readiness(DatabaseProbe database, List<Listener> listeners) {
        this.database = database;
        this.listeners = List.copyOf(listeners);
    }

    /** Checks the listeners first (free), then pings the database (bounded by the probe's timeout). */
    public Verdict check() {
        for (Listener listener : listeners) {
            if (!listener.listening().getAsBoolean()) {
                return new Verdict(false, listener.name() + " is not listening");
            }
        }
        DatabaseProbe.Answer<Boolean> ping = database.ask(c -> {
            try (var s = c.createStatement(); var rs = s.executeQuery("SELECT 1")) {
                return rs.next();
            }
        });
        if (ping instanceof DatabaseProbe.Answer.Failed<Boolean> failed) {
            return new Verdict(false, failed.reason());
        }
        return new Verdict(true, "ready");
    }

    /**
     * One of the gateway's listeners.
     *
     * @param name      what an operator calls it ("SMTP submission")
     * @param listening whether it accepts connections now; must not block
     */
    public record Listener(String name, BooleanSupplier listening) {
    }

    /** @param reason one line: "ready", or what is missing */
    public record Verdict(boolean ready, String reason) {
    }
}
