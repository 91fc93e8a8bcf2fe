package dev.liaison.gateway.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs {@code java -jar liaison.jar ...} as a separate process, the way an administrator does. */
final class LiaisonProcess {

    /** What a finished command printed and returned. */
    record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    /** Commands that serve for a while: they run on the JVM's defaults, as in production. */
    private static final List<String> LONG_RUNNING = List.of("serve", "demo");

    /**
     * An admin command lives for a second or two, most of it spent compiling code it runs once: the
     * first tier of the JIT alone halves its CPU, which the integration tests' hundred-odd commands on
     * two cores feel. Flags only; the jar and what it does are the same.
     */
    private static final List<String> SHORT_COMMAND_JVM = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    private final Path workDir;
    private final Map<String, String> environment;

    LiaisonProcess(Path workDir, Map<String, String> environment) {
        this.workDir = workDir;
        this.environment = environment;
    }

    static Path jar() {
        Path jar = Path.of(System.getProperty("liaison.jar", "target/liaison.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run mvn package (integration tests need the jar)");
        }
        return jar;
    }

    ProcessBuilder builder(String... args) {
        List<String> command = new ArrayList<>(List.of(javaBinary()));
        if (args.length > 0 && !LONG_RUNNING.contains(args[0])) {
            command.addAll(SHORT_COMMAND_JVM);
        }
        command.addAll(List.of("-jar", jar().toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("LIAISON_"));
        pb.environment().putAll(environment);
        return pb;
    }

    Result run(String... args) throws IOException, InterruptedException {
        return runWithInput("", args);
    }

    Result runWithInput(String stdin, String... args) throws IOException, InterruptedException {
        Process p = start(stdin, args);
        return finish(p);
    }

    Process start(String stdin, String... args) throws IOException {
        Path out = Files.createTempFile(workDir, "out", ".txt");
        Path err = Files.createTempFile(workDir, "err", ".txt");
        Process p = builder(args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        outputs.put(p, new Path[]{out, err});
        return p;
    }

    private final Map<Process, Path[]> outputs = new java.util.concurrent.ConcurrentHashMap<>();

    Result finish(Process p) throws IOException, InterruptedException {
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("liaison did not finish within 120 s");
        }
        Path[] files = outputs.remove(p);
        return new Result(p.exitValue(), Files.readString(files[0]), Files.readString(files[1]));
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
