package dev.liaison.gateway.cli;

import dev.liaison.gateway.config.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** {@code liaison config}: the effective configuration and where each value came from. */
@Command(name = "config", description = "Check the configuration and print every key's effective value and origin.")
public final class ConfigCommand implements Callable<Integer> {

    @Mixin CommonOptions common;

    @Override
    public Integer call() {
        Configuration configuration = common.configuration();
        configuration.describe().forEach((key, value) -> System.out.printf("%-24s %-40s # %s (%s)%n",
                key.key(), value.raw(), value.origin(), key.environmentName()));
        return 0;
    }
}
