package dev.liaison.gateway.cli;

import dev.liaison.gateway.Gateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/**
 * {@code liaison serve}: runs the gateway until SIGTERM or SIGINT, then stops it cleanly and exits
 * 0 (see {@link StopSignals}). Ended any other way (SIGHUP, the JVM exiting), a shutdown hook
 * still stops it.
 */
@Command(name = "serve", description = "Run the gateway: SMTP submission, IMAP, HTTPS. SIGTERM or SIGINT stops it"
        + " cleanly, with exit status 0.")
public final class ServeCommand implements Callable<Integer> {

    @Mixin CommonOptions common;

    @Override
    public Integer call() throws InterruptedException {
        StopSignals signals = StopSignals.install(); // a signal during start-up stops it right after (or ends it)
        Gateway gateway = Gateway.start(common.configuration());
        Thread hook = new Thread(gateway::close, "liaison-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        return serveUntilStopped(signals, hook, gateway::close);
    }

    /**
     * Waits for a stop signal, then runs {@code stop} on this thread instead of in {@code hook}
     * (a registered shutdown hook running the same, for a JVM that ends another way) and returns 0.
     */
    static int serveUntilStopped(StopSignals signals, Thread hook, Runnable stop) throws InterruptedException {
        String signal = signals.await();
        Logger log = LoggerFactory.getLogger(ServeCommand.class); // not at class load: --help logs nothing
        log.info("SIG{} received: stopping", signal);
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is ending already and its hook stops the gateway; nothing to add
            Thread.currentThread().join();
        }
        stop.run();
        return 0;
    }
}
