package dev.liaison.gateway.cli;

import dev.liaison.gateway.Gateway;
import dev.liaison.mapping.database.EmbeddedPostgresServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code liaison serve}: runs the gateway until SIGTERM or SIGINT, then stops it cleanly and exits
 * 0 (see {@link StopSignals}). Ended any other way (SIGHUP, the JVM exiting, a start-up that a
 * signal ends before it serves), a shutdown hook still stops it and its embedded PostgreSQL.
 */
@Command(name = "serve", description = "Run the gateway: SMTP submission, IMAP, HTTPS. SIGTERM or SIGINT stops it"
        + " cleanly, with exit status 0.")
public final class ServeCommand implements Callable<Integer> {

    @Mixin CommonOptions common;

    @Override
    public Integer call() throws InterruptedException {
        StopSignals signals = StopSignals.install(); // a signal during start-up stops it right after (or ends it)
        AtomicReference<Gateway> gateway = new AtomicReference<>();
        Runnable stop = () -> {
            Gateway started = gateway.get();
            if (started != null) {
                started.close();
            }
        };
        Thread hook = shutdownHook(stop, "liaison-shutdown");
        Runtime.getRuntime().addShutdownHook(hook); // before the start: it may end half-way, database started
        warnUnlessUtf8(java.nio.charset.Charset.defaultCharset());
        gateway.set(Gateway.start(common.configuration()));
        return serveUntilStopped(signals, hook, stop);
    }

    /**
     * The MX verifies DKIM over UTF-8 header text only where the default charset keeps 8-bit octets
     * (docs/inbound-mx.md, UTF-8 mail); elsewhere such signatures are permerrors and DMARC rests on
     * SPF. Said once at start, where the administrator looks, with the remedy.
     */
    static void warnUnlessUtf8(java.nio.charset.Charset platform) {
        if (!platform.equals(java.nio.charset.StandardCharsets.UTF_8)) {
            LoggerFactory.getLogger(ServeCommand.class).warn("The JVM's default charset is {}, not UTF-8: DKIM"
                    + " signatures over UTF-8 header text are reported as permerror at the MX. Start Liaison with"
                    + " java -Dfile.encoding=UTF-8 -jar liaison.jar (or under a UTF-8 locale)", platform);
        }
    }

    /**
     * A shutdown hook that runs {@code stop}, then stops whatever embedded PostgreSQL this process
     * still owns: one a start-up had started when the JVM was ended (a second signal, a start-up
     * too slow after the first, SIGHUP) would otherwise outlive it and hold the data directory.
     */
    static Thread shutdownHook(Runnable stop, String name) {
        return new Thread(() -> {
            stop.run();
            EmbeddedPostgresServer.stopAll();
        }, name);
    }

    /**
     * Waits for a stop signal, then runs {@code stop} on this thread instead of in {@code hook}
     * (a registered {@link #shutdownHook} running the same, for a JVM that ends another way) and
     * returns 0. A second signal during that stop ends the JVM at once: a hook left in the
     * removed one's place still stops the embedded PostgreSQL then.
     */
    static int serveUntilStopped(StopSignals signals, Thread hook, Runnable stop) throws InterruptedException {
        String signal = signals.await();
        Logger log = LoggerFactory.getLogger(ServeCommand.class); // not at class load: --help logs nothing
        log.info("SIG{} received: stopping", signal);
        try {
            Runtime.getRuntime().addShutdownHook(shutdownHook(() -> { }, "liaison-database-stop"));
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is ending already and its hook stops the gateway; nothing to add
            Thread.currentThread().join();
        }
        stop.run();
        return 0;
    }
}
