package dev.liaison.gateway.relationship;

import dev.liaison.gateway.receiving.ServiceKeys;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.relationship.RelationshipState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps quiet relationships reachable: rotates the receiving service's keys when due, and sends a
 * small update with fresh addresses to every peer whose addresses would otherwise run out (busy
 * relationships carry them with their mail and never need this). Also drops relayed originals
 * nobody will ask for any more. Safe with several processes on one database (row locks).
 */
public final class AddressKeepAlive implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AddressKeepAlive.class);
    private static final int BATCH = 100;
    /** Longer than any mail client retries a submission whose 250 it missed. */
    private static final Duration RETRY_MEMORY = Duration.ofDays(8);
    private static final Duration NOT_ESTABLISHED_RECHECK = Duration.ofDays(1);

    private final Database db;
    private final ServiceKeys keys;
    private final Particles particles;
    private final RelationshipSender sender;
    private final OwnRoutes routes;
    private final SentMessages sent;
    private final Clock clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "liaison-address-keepalive");
        t.setDaemon(true);
        return t;
    });

    public AddressKeepAlive(Database db, ServiceKeys keys, Particles particles, RelationshipSender sender,
                            OwnRoutes routes, SentMessages sent, Clock clock) {
        this.db = db;
        this.keys = keys;
        this.particles = particles;
        this.sender = sender;
        this.routes = routes;
        this.sent = sent;
        this.clock = clock;
    }

    public AddressKeepAlive start(Duration every) {
        return start(every, () -> { });
    }

    /**
     * As {@link #start(Duration)}, running {@code housekeeping} after every pass on the same timer:
     * the gateway's other periodic chores (forgetting bookkeeping past its retention) need no thread
     * of their own. It runs whether or not the pass failed; if it throws, that is logged, and the
     * timer goes on (an exception out of a scheduled task would cancel every later run).
     */
    public AddressKeepAlive start(Duration every, Runnable housekeeping) {
        timer.scheduleWithFixedDelay(() -> {
            runQuietly();
            try {
                housekeeping.run();
            } catch (RuntimeException e) {
                LOG.warn("periodic housekeeping failed, will retry: {}", e.getMessage());
            }
        }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void runQuietly() {
        try {
            runOnce();
        } catch (Exception e) {
            LOG.warn("address keep-alive failed, will retry: {}", e.getMessage());
        }
    }

    /** One pass: rotate if due, refresh due relationships, prune. Returns how many keep-alives were sent. */
    public int runOnce() throws SQLException {
        if (keys.refresh()) {
            Instant now = clock.instant();
            db.inTransaction(c -> {
                particles.endpoints().refreshAllBy(c, now);
                return null;
            });
            LOG.info("receiving-service keys rotated to generation {}", keys.currentKey().generation());
        }
        int sentCount = 0;
        List<Long> due = db.inTransaction(c -> particles.endpoints().dueForRefresh(c, clock.instant(), BATCH));
        for (long id : due) {
            if (db.inTransaction(c -> refresh(c, id))) {
                sentCount++;
            }
        }
        db.inTransaction(c -> sent.prune(c, clock.instant().minus(RETRY_MEMORY)));
        return sentCount;
    }

    private boolean refresh(java.sql.Connection c, long id) throws SQLException {
        Instant now = clock.instant();
        Particles.Held held = particles.lock(c, id);
        Particle p = held.particle();
        boolean sendable = held.row().state() == RelationshipState.ACTIVE && p.established() && !p.peerRoutes().isEmpty();
        if (held.row().state() == RelationshipState.ENDED && !p.established()
                && !p.invitation().invitation().expiry().isAfter(now)) {
            particles.endpoints().remove(c, id); // an ended invitation, now expired: nobody can accept it any more
            return false;
        }
        if (!sendable) {
            particles.endpoints().refreshed(c, id, now.plus(NOT_ESTABLISHED_RECHECK));
            return false;
        }
        if (!routes.due(p, now)) {
            particles.endpoints().refreshed(c, id, OwnRoutes.refreshAt(p.published())); // mail carried them already
            return false;
        }
        sender.send(c, held, List.of(), now);
        return true;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
