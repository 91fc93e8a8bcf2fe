package dev.liaison.gateway.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.concurrent.CountDownLatch;

/**
 * SIGTERM and SIGINT as a request to stop, handled by the command instead of by the JVM. Left to
 * the JVM, either signal starts its shutdown, and the JVM then exits with 128 + the signal (143
 * for SIGTERM) however cleanly the shutdown hooks stopped the gateway: systemd counts that exit as
 * a failure (unless the unit sets SuccessExitStatus=143), and so do container runtimes' exit
 * codes. Here the signal only wakes the command, which stops the gateway itself and returns 0.
 *
 * <p>The handlers are set through {@code sun.misc.Signal} (module jdk.unsupported, exported to
 * everyone) by reflection, which keeps the build free of its proprietary-API warning. Where it is
 * missing the JVM's default stays, and its shutdown hook still stops the gateway (exit 143).
 */
final class StopSignals {

    private static final Logger LOG = LoggerFactory.getLogger(StopSignals.class);
    private static final String[] SIGNALS = {"TERM", "INT"};

    /** How long a start-up may still run after a stop signal before the JVM's own way ends it. */
    private static final long START_UP_GRACE_MILLIS = 10_000;

    private final CountDownLatch received = new CountDownLatch(1);
    private final CountDownLatch awaiting = new CountDownLatch(1);
    private volatile String signal;

    private StopSignals() {
    }

    /** Handles SIGTERM and SIGINT from now on (each that can be handled here). */
    static StopSignals install() {
        StopSignals signals = new StopSignals();
        for (String name : SIGNALS) {
            try {
                Class<?> signalClass = Class.forName("sun.misc.Signal");
                Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
                InvocationHandler onSignal = (proxy, method, args) -> switch (method.getName()) {
                    case "handle" -> {
                        signals.received(name);
                        yield null;
                    }
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> "StopSignals[SIG" + name + "]";
                };
                Object handler = Proxy.newProxyInstance(StopSignals.class.getClassLoader(),
                        new Class<?>[]{handlerClass}, onSignal);
                Object sig = signalClass.getConstructor(String.class).newInstance(name);
                signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, sig, handler);
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                LOG.debug("SIG{} left to the JVM (exit status 128 + signal after a stop): {}", name, e.toString());
            }
        }
        return signals;
    }

    /**
     * The first signal asks the command to stop. A second one, or a start-up that does not come to
     * {@link #await} within {@value #START_UP_GRACE_MILLIS} ms of the first (it may wait minutes for
     * a lock or a database), ends the JVM the JVM's own way: its shutdown hooks run and it exits
     * 128 + the signal. So Ctrl-C, or systemd's stop, always ends it.
     */
    private synchronized void received(String name) {
        if (signal != null) {
            LOG.warn("SIG{} again: ending now, without waiting for the gateway to stop cleanly", name);
            exitAsTheJvmWould(name);
        }
        signal = name;
        if (awaiting.getCount() > 0) {
            LOG.info("SIG{} received during start-up: stopping once it has finished (a second signal ends it"
                    + " at once)", name);
        }
        received.countDown();
        Thread grace = new Thread(() -> {
            try {
                if (!awaiting.await(START_UP_GRACE_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    LOG.warn("SIG{} arrived during start-up, which has not finished: ending now", name);
                    exitAsTheJvmWould(name);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "liaison-stop-grace");
        grace.setDaemon(true);
        grace.start();
    }

    private static void exitAsTheJvmWould(String name) {
        Runtime.getRuntime().exit(128 + ("INT".equals(name) ? 2 : 15));
    }

    /** Blocks until SIGTERM or SIGINT arrives (at once if one came during start-up); returns its name ("TERM", "INT"). */
    String await() throws InterruptedException {
        awaiting.countDown();
        received.await();
        return signal;
    }
}
