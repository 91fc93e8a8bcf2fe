package dev.liaison.gateway.cli;

import dev.liaison.gateway.config.Configuration;
import dev.liaison.gateway.tls.TlsMaterial;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** {@code liaison config}: the effective configuration and where each value came from. */
@Command(name = "config", description = "Check the configuration (and the certificate files it names) and print every key's"
        + " effective value and origin; a value worked out from other keys is shown and marked derived.")
public final class ConfigCommand implements Callable<Integer> {

    @Mixin CommonOptions common;

    @Override
    public Integer call() {
        Configuration configuration = common.configuration();
        var described = configuration.describe();
        int width = described.keySet().stream().mapToInt(k -> k.key().length()).max().orElse(0);
        described.forEach((key, value) -> System.out.printf("%-" + width + "s %-40s # %s (%s)%n",
                key.key(), value.raw(), value.origin(), key.environmentName()));
        System.out.flush();
        // then the files, as liaison serve checks them before it starts anything: the table above is
        // what an administrator looks at to find which path is wrong (exit 2 if one is)
        TlsMaterial.checkFiles(configuration);
        return 0;
    }
}
