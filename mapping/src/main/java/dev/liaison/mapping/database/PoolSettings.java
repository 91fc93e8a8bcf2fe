package dev.liaison.mapping.database;

import java.time.Duration;

/** Connection-pool size and patience, named for the pool's log lines and metrics. */
public record PoolSettings(String poolName, int maximumPoolSize, Duration connectionTimeout) {

    public PoolSettings {
        if (maximumPoolSize < 1 || maximumPoolSize > 100) {
            throw new IllegalArgumentException("pool size " + maximumPoolSize + " outside 1..100");
        }
    }

    /** A small pool for one admin command. */
    public static PoolSettings forCommand() {
        return new PoolSettings("liaison-cli", 2, Duration.ofSeconds(10));
    }
}
