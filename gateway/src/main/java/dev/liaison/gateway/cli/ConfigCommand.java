package dev.liaison.gateway.cli;

import dev.liaison.gateway.config.Configuration;
import dev.liaison.gateway.tls.TlsMaterial;
import dev.liaison.gateway.config.ConfigKey;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** {@code liaison config}: the effective configuration and where each value came from. */
@Command(name = "config", description = "Check the configuration (and the certificate files it names) and print every key's"
        + " effective value and origin; a value worked out from other keys is shown and marked derived.")
public final class ConfigCommand implements Callable<Integer> {

    @Mixin CommonOptions common;

    /**
     * Every key with its environment variable, for {@code liaison config --help}: the
     * warning for a {@code LIAISON_*} variable that names no key sends the administrator here, and
     * this works without a valid configuration (plain {@code liaison config} needs one).
     */
    public static void listKeysInHelp(CommandLine config) {
        int width = java.util.Arrays.stream(ConfigKey.values()).mapToInt(k -> k.environmentName().length()).max()
                .orElse(0);
        String[] lines = java.util.Arrays.stream(ConfigKey.values())
                .map(k -> String.format("  %-" + width + "s  %s", k.environmentName(), k.key()))
                .toArray(String[]::new); // one line each, within 80 columns; README's table gives the meanings
        config.getCommandSpec().usageMessage().footerHeading("%nConfiguration keys, as environment variable and as"
                + " key (in liaison.conf, or --key=value); README, \"Configuration\", says what each means:%n")
                .footer(lines);
    }

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
