package dev.liaison.mapping.database;

import java.time.Duration;

/** Connection-pool size and patience, named for the pool's log lines and metrics. */
public record PoolSettings(String poolName, int maximumPoolSize, Duration connectionTimeout) {

    /**
     * The pool of {@code liaison serve}, also each of its connections' {@code application_name}:
     * an admin command and a restore tell a running server by it.
     */
    public static final String SERVER = "liaison";
    /** The pool of one admin command. */
    public static final String COMMAND = "liaison-cli";

    public PoolSettings {
        if (maximumPoolSize < 1 || maximumPoolSize > 100) {
            throw new IllegalArgumentException("pool size " + maximumPoolSize + " outside 1..100");
        }
    }

    /** The pool of {@code liaison serve}, with {@code size} connections. */
    public static PoolSettings forServer(int size) {
        return new PoolSettings(SERVER, size, Duration.ofSeconds(10));
    }

    /** A small pool for one admin command. */
    public static PoolSettings forCommand() {
        return new PoolSettings(COMMAND, 2, Duration.ofSeconds(10));
    }
}
