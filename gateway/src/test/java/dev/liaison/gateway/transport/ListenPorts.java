package dev.liaison.gateway.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for servers a test starts later on a port it must know first (a gateway publishes its
 * HTTPS port in its relationships' routes). {@code new ServerSocket(0)} hands out a port from the
 * kernel's ephemeral range, the same range every outgoing connection takes its local port from:
 * between closing that socket and the server's bind, a JDBC or HTTP connection of this machine may
 * take it ("Address already in use", seen in CI and as the benchmark's "gateway b did not start").
 * So the port is chosen below that range, where only listeners live, and checked free.
 */
public final class ListenPorts {

    private static final int LOWEST = 10_000;
    /** Ports handed out by this JVM: not handed out twice, though none is held open. */
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private ListenPorts() {
    }

    /** A port free on 127.0.0.1 now, outside the ephemeral range when the machine leaves room below it. */
    public static int free() throws IOException {
        int ephemeralStart = ephemeralStart();
        for (int attempt = 0; ephemeralStart - LOWEST > 1000 && attempt < 200; attempt++) {
            int port = LOWEST + ThreadLocalRandom.current().nextInt(ephemeralStart - LOWEST);
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                if (HANDED_OUT.add(port)) {
                    return port;
                }
            } catch (IOException taken) {
                // a listener of another test or program: try another
            }
        }
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The first port of Linux's ephemeral range; 32768 (its default) where it cannot be read. */
    private static int ephemeralStart() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range"), StandardCharsets.US_ASCII);
            return Integer.parseInt(range.trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32768;
        }
    }
}
