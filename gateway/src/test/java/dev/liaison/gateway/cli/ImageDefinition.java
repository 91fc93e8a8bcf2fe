package dev.liaison.gateway.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code docker/Dockerfile} and {@code docker/compose.yaml} say about starting Liaison: the
 * image's environment, working directory, entry point and command, and a compose service's
 * environment and command. Read from the files themselves, so a test that starts the jar "as the
 * image does" follows every change to them. Only the shapes those files promise (one-line
 * instructions, block-mapping environments, one-line lists) are understood; anything else fails
 * loudly instead of being guessed at.
 */
record ImageDefinition(Map<String, String> environment, String workdir, List<String> entrypoint, List<String> command) {

    private static final Pattern STRING = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
    /** Compose interpolation with a default, as compose.yaml uses it: {@code ${NAME:-default}}. */
    private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{[A-Z0-9_]+:-([^}]*)}");

    /** The docker/ directory of this checkout (failsafe runs in the gateway module). */
    static Path dockerDirectory() {
        Path dir = Path.of(System.getProperty("liaison.docker", "../docker")).toAbsolutePath().normalize();
        if (!Files.isRegularFile(dir.resolve("Dockerfile"))) {
            throw new IllegalStateException(dir + " holds no Dockerfile: run the test from the gateway module");
        }
        return dir;
    }

    static ImageDefinition read(Path dockerfile) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        String workdir = null;
        List<String> entrypoint = null;
        List<String> command = null;
        for (String line : Files.readAllLines(dockerfile)) {
            String[] parts = line.strip().split("\\s+", 2);
            switch (parts[0]) {
                case "FROM" -> { // a new stage: only the last one (the runtime image) counts
                    env.clear();
                    workdir = null;
                    entrypoint = null;
                    command = null;
                }
                case "ENV" -> {
                    for (String pair : parts[1].split("\\s+")) {
                        int eq = pair.indexOf('=');
                        if (eq < 1) {
                            throw new IllegalStateException("ENV in " + dockerfile + " is not KEY=value: " + line);
                        }
                        env.put(pair.substring(0, eq), pair.substring(eq + 1));
                    }
                }
                case "WORKDIR" -> workdir = parts[1];
                case "ENTRYPOINT" -> entrypoint = jsonStrings(parts[1], line);
                case "CMD" -> command = jsonStrings(parts[1], line);
                default -> { }
            }
        }
        if (workdir == null || entrypoint == null || command == null) {
            throw new IllegalStateException(dockerfile + " lacks WORKDIR, ENTRYPOINT or CMD in its last stage");
        }
        return new ImageDefinition(Map.copyOf(env), workdir, List.copyOf(entrypoint), List.copyOf(command));
    }

    /** A compose service's {@code environment}, with {@code ${NAME:-default}} resolved to its default (no .env). */
    static Map<String, String> composeEnvironment(Path compose, String service) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        List<String> block = serviceBlock(compose, service);
        int start = block.indexOf("    environment:");
        if (start < 0) {
            throw new IllegalStateException(service + " in " + compose + " has no environment block");
        }
        for (String line : block.subList(start + 1, block.size())) {
            if (!line.startsWith("      ")) {
                break;
            }
            Matcher m = Pattern.compile("\\s+([A-Z0-9_]+): (.*)").matcher(line);
            if (!m.matches()) {
                throw new IllegalStateException("not KEY: value in " + service + "'s environment: " + line);
            }
            env.put(m.group(1), INTERPOLATION.matcher(unquoted(m.group(2).strip())).replaceAll("$1"));
        }
        return env;
    }

    /** A YAML scalar as compose reads it: {@code "true"} and {@code 'x'} are the strings inside the quotes. */
    private static String unquoted(String value) {
        boolean quoted = value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                || value.startsWith("'") && value.endsWith("'"));
        return quoted ? value.substring(1, value.length() - 1) : value;
    }

    /** A compose service's one-line {@code command: [...]}. */
    static List<String> composeCommand(Path compose, String service) throws IOException {
        for (String line : serviceBlock(compose, service)) {
            if (line.startsWith("    command: ")) {
                return jsonStrings(line.substring("    command: ".length()), line);
            }
        }
        throw new IllegalStateException(service + " in " + compose + " has no one-line command");
    }

    private static List<String> serviceBlock(Path compose, String service) throws IOException {
        List<String> lines = Files.readAllLines(compose);
        int start = lines.indexOf("  " + service + ":");
        if (start < 0) {
            throw new IllegalStateException("no service " + service + " in " + compose);
        }
        int end = start + 1;
        while (end < lines.size() && (lines.get(end).isBlank() || lines.get(end).startsWith("   "))) {
            end++;
        }
        return lines.subList(start, end);
    }

    private static List<String> jsonStrings(String array, String line) {
        String t = array.strip();
        if (!t.startsWith("[") || !t.endsWith("]")) {
            throw new IllegalStateException("not a one-line JSON list: " + line);
        }
        List<String> out = new ArrayList<>();
        Matcher m = STRING.matcher(t);
        while (m.find()) {
            out.add(m.group(1).replace("\\\"", "\"").replace("\\\\", "\\"));
        }
        return out;
    }
}
