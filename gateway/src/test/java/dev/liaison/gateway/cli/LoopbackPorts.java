package dev.liaison.gateway.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for listeners whose numbers must be known before they start (they are in the routes a
 * gateway hands its peers, and a restarted gateway must come back on them). Drawn below Linux's
 * ephemeral range (32768 and up), where the kernel hands out ports to outgoing connections of
 * every process on the machine, so a port found free here is not taken by some client meanwhile;
 * each is checked by binding it on 127.0.0.1.
 */
final class LoopbackPorts {

    /**
     * Integration tests run in two JVMs at once (failsafe's forkCount): each draws from its own
     * half of the range, so two forks never hand out the same port.
     */
    private static final int FORK = Math.max(1, Integer.getInteger("liaison.test.fork", 1));
    private static final int HALF = (32768 - 15000) / 2;
    private static final int LOWEST = 15000 + ((FORK - 1) % 2) * HALF;
    private static final int BELOW_EPHEMERAL = LOWEST + HALF;
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private LoopbackPorts() {
    }

    static synchronized int free() {
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, BELOW_EPHEMERAL);
            if (!HANDED_OUT.contains(port) && bindable(port)) {
                HANDED_OUT.add(port);
                return port;
            }
        }
        throw new IllegalStateException("no free port between " + LOWEST + " and " + BELOW_EPHEMERAL + " after 1000 tries");
    }

    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
