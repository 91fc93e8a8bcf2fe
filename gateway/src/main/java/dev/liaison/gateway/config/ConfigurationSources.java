package dev.liaison.gateway.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Gathers raw values in precedence order — command line beats environment beats file beats
 * default — remembering where each came from, so an error can say "from LIAISON_IMAP_PORT".
 */
public final class ConfigurationSources {

    /** A raw value and the place it was read from. */
    public record Value(String raw, String origin) {
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ConfigurationSources.class);

    private final Map<ConfigKey, Value> values = new EnumMap<>(ConfigKey.class);
    private final java.util.List<String> unknownEnvironment = new java.util.ArrayList<>();

    public ConfigurationSources() {
        for (ConfigKey key : ConfigKey.values()) {
            values.put(key, new Value(key.defaultValue(), "default"));
        }
    }

    /** Reads a properties file; an unknown key fails, naming the key and the file. */
    public ConfigurationSources file(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new ConfigurationException("cannot read configuration file " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("configuration file " + file + " is malformed: " + e.getMessage(), e);
        }
        for (String name : properties.stringPropertyNames()) {
            ConfigKey key = known(name, "in " + file);
            values.put(key, new Value(properties.getProperty(name).trim(), file.toString()));
        }
        return this;
    }

    /**
     * Takes {@code LIAISON_*} variables that name a key. Other {@code LIAISON_*} variables are not
     * errors: the environment is shared with tools (tests use {@code LIAISON_TEST_*}). But a
     * mistyped key in a container's environment would otherwise go unnoticed, so each of them is
     * logged (a WARN) and kept in {@link #unknownEnvironment()}.
     */
    public ConfigurationSources environment(Map<String, String> environment) {
        for (ConfigKey key : ConfigKey.values()) {
            Optional.ofNullable(environment.get(key.environmentName()))
                    .ifPresent(v -> values.put(key, new Value(v.trim(), "environment " + key.environmentName())));
        }
        environment.keySet().stream().filter(name -> name.startsWith("LIAISON_") && !name.startsWith("LIAISON_TEST_")
                        && !name.equals("LIAISON_FAILPOINT") && ConfigKey.byEnvironmentName(name).isEmpty())
                .sorted().forEach(name -> {
                    unknownEnvironment.add(name);
                    LOG.warn("Environment variable {} names no configuration key and is ignored (liaison config"
                            + " --help lists them; LIAISON_ and the key in capitals, '.' and '-' as '_')", name);
                });
        return this;
    }

    /** {@code LIAISON_*} variables {@link #environment} found that name no key. */
    public java.util.List<String> unknownEnvironment() {
        return java.util.List.copyOf(unknownEnvironment);
    }

    /** A {@code --key=value} option; an unknown key fails. */
    public ConfigurationSources option(String name, String value) {
        ConfigKey key = known(name, "on the command line");
        values.put(key, new Value(value.trim(), "option --" + name));
        return this;
    }

    public Configuration resolve() {
        return Configuration.of(values);
    }

    private static ConfigKey known(String name, String where) {
        return ConfigKey.byKey(name).orElseThrow(() -> new ConfigurationException(
                "unknown configuration key '" + name + "' " + where + " (see README: Configuration)"));
    }
}
