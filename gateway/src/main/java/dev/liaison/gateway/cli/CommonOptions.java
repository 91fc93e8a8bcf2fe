package dev.liaison.gateway.cli;

import dev.liaison.gateway.Liaison;
import dev.liaison.gateway.config.Configuration;
import dev.liaison.gateway.config.ConfigurationException;
import dev.liaison.gateway.config.ConfigurationSources;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;

/** Options every command takes: where the configuration and the data are. */
public final class CommonOptions {

    static final Path DEFAULT_CONFIG_FILE = Path.of("liaison.conf");

    @Option(names = "--config", paramLabel = "FILE",
            description = "configuration file (default: ./liaison.conf when it exists)")
    Path config;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "data directory (overrides data-dir)")
    String dataDir;

    @Option(names = "--verbose", description = "print stack traces of errors")
    boolean verbose;

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    /** File, then environment, then {@code --key=value} options, then {@code --data-dir}. */
    public Configuration configuration() {
        ConfigurationSources sources = new ConfigurationSources();
        if (config != null) {
            if (!Files.isRegularFile(config)) {
                throw new ConfigurationException("configuration file " + config + " does not exist");
            }
            sources.file(config);
        } else if (Files.isRegularFile(DEFAULT_CONFIG_FILE)) {
            sources.file(DEFAULT_CONFIG_FILE);
        }
        sources.environment(System.getenv());
        ((Liaison) mixee.root().userObject()).overrides().forEach(sources::option);
        if (dataDir != null) {
            sources.option("data-dir", dataDir);
        }
        return sources.resolve();
    }
}
