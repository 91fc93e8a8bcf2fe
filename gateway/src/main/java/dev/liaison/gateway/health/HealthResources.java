package dev.liaison.gateway.health;

import dev.liaison.gateway.transport.receive.HttpResource;
import dev.liaison.gateway.transport.receive.ResourceReply;

import java.util.Map;

/**
 * {@code GET /health/live}: 200 while the process serves HTTP at all. {@code GET /health/ready}:
 * 200 when {@link Readiness} says so, otherwise 503 with the reason in one line of text. Both are
 * never cached: a stale "ready" is what a health check must not see.
 */
public final class HealthResources {

    public static final String LIVE = "/health/live";
    public static final String READY = "/health/ready";

    private HealthResources() {
    }

    public static Map<String, HttpResource> of(Readiness readiness) {
        return Map.of(
                LIVE, request -> uncached(ResourceReply.text(200, "live")),
                READY, request -> {
                    Readiness.Verdict verdict = readiness.check();
                    return uncached(ResourceReply.text(verdict.ready() ? 200 : 503, verdict.reason()));
                });
    }

    private static ResourceReply uncached(ResourceReply reply) {
        return reply.withHeader("Cache-Control", "no-store");
    }
}
