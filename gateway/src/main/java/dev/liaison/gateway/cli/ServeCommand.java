package dev.liaison.gateway.cli;

import dev.liaison.gateway.Gateway;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code liaison serve}: runs the gateway until SIGTERM or SIGINT, then stops it cleanly. */
@Command(name = "serve", description = "Run the gateway: SMTP submission, IMAP, HTTPS.")
public final class ServeCommand implements Callable<Integer> {

    @Mixin CommonOptions common;

    @Override
    public Integer call() throws InterruptedException {
        Gateway gateway = Gateway.start(common.configuration());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            stopped.countDown();
        }, "liaison-shutdown"));
        stopped.await();
        return 0;
    }
}
