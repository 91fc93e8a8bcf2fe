package dev.liaison.gateway.load;

import dev.liaison.gateway.config.TlsSource;
import dev.liaison.gateway.tls.TlsMaterial;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Two Liaison gateways on this machine for {@link RelayLoad}, each a separate {@code java -jar
 * liaison.jar serve} process with its own data directory and embedded PostgreSQL, trusting each
 * other's self-signed certificates; K users a1..aK at A and b1..bK at B, each pair connected by its
 * own relationship (invitation created by a_i at A with the admin CLI, accepted by b_i at B).
 *
 * <p>The set-up (users, relationships, ports — the ports are in the relationships' routes) is kept
 * in the work directory; a second run on the same directory starts the two gateways again and
 * reuses it.
 */
final class LiaisonPair implements AutoCloseable {

    static final String PASSWORD = "relay-load-password";
    private static final Pattern ACTIVE_ALIAS = Pattern.compile("\"state\": \"active\", \"alias\": \"([^\"]+)\"");
    private static final Pattern TOKEN = Pattern.compile("\"token\":\"([A-Za-z0-9_-]+)\"");
    private static final String[] PORT_KEYS = {"smtp.submission.port", "smtp.submissions.port", "smtp.inbound.port",
            "imap.port", "imaps.port", "http.port"};

    /** One gateway: its name (a or b), domain, directory and ports by configuration key. */
    record Side(String name, String domain, Path dir, Map<String, Integer> ports) {
        int port(String key) {
            return ports.get(key);
        }

        Path dataDir() {
            return dir.resolve("liaison-data");
        }
    }

    private final Path jar;
    private final Path work;
    private final List<String> javaOptions;
    private final Side a;
    private final Side b;
    private final Path bundle;
    private final List<Process> servers = new ArrayList<>();

    private LiaisonPair(Path jar, Path work, List<String> javaOptions, Side a, Side b, Path bundle) {
        this.jar = jar;
        this.work = work;
        this.javaOptions = javaOptions;
        this.a = a;
        this.b = b;
        this.bundle = bundle;
    }

    /** Starts both gateways in {@code work} and makes (or reuses) {@code pairs} relationships. */
    static LiaisonPair start(Path jar, Path work, List<String> javaOptions, int pairs) throws Exception {
        Files.createDirectories(work);
        Properties ports = ports(work.resolve("ports.properties"));
        Side a = side("a", work, ports);
        Side b = side("b", work, ports);
        StringBuilder pem = new StringBuilder();
        for (Side s : List.of(a, b)) {
            Path tls = Files.createDirectories(s.dataDir().resolve("tls"));
            TlsMaterial.load(new TlsSource.Generated(tls), s.domain());
            pem.append(Files.readString(tls.resolve("certificate.pem")));
        }
        Path bundle = work.resolve("peers.pem");
        Files.writeString(bundle, pem);
        LiaisonPair pair = new LiaisonPair(jar, work, javaOptions, a, b, bundle);
        try {
            pair.serve(a);
            pair.serve(b);
            pair.connect(pairs);
        } catch (Exception e) {
            pair.close();
            throw e;
        }
        return pair;
    }

    Side a() {
        return a;
    }

    Side b() {
        return b;
    }

    Path bundle() {
        return bundle;
    }

    Path pairsFile() {
        return work.resolve("pairs.txt");
    }

    /** The JVM and its postmaster (which {@code pg_ctl} detached from it) of each gateway. */
    List<ProcessTree> trees() throws IOException {
        List<ProcessTree> trees = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Side s = i == 0 ? a : b;
            String postmaster = Files.readAllLines(s.dataDir().resolve("postgres/postmaster.pid")).get(0).trim();
            trees.add(new ProcessTree("liaison-" + s.name(), List.of(servers.get(i).pid(), Long.parseLong(postmaster))));
        }
        return trees;
    }

    private static Properties ports(Path file) throws IOException {
        Properties p = new Properties();
        if (Files.exists(file)) {
            try (var in = Files.newInputStream(file)) {
                p.load(in);
            }
            return p;
        }
        for (String side : List.of("a", "b")) {
            for (String key : PORT_KEYS) {
                p.setProperty(side + "." + key, String.valueOf(dev.liaison.gateway.transport.ListenPorts.free()));
            }
        }
        try (var out = Files.newOutputStream(file)) {
            p.store(out, "ports of the two gateways (in the relationships' routes: keep them)");
        }
        return p;
    }

    private static Side side(String name, Path work, Properties ports) throws IOException {
        Map<String, Integer> own = new LinkedHashMap<>();
        for (String key : PORT_KEYS) {
            own.put(key, Integer.parseInt(ports.getProperty(name + "." + key)));
        }
        return new Side(name, name + ".test", Files.createDirectories(work.resolve(name)), own);
    }

    private ProcessBuilder builder(Side s, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (args[0].equals("serve")) {
            javaOptions.forEach(o -> command.add(o.replace("{side}", s.name()))); // e.g. a JFR file per gateway
        }
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(s.dir().toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("LIAISON_"));
        env.put("LIAISON_DOMAIN", s.domain());
        env.put("LIAISON_DATA_DIR", s.dataDir().toString());
        env.put("LIAISON_BIND_ADDRESS", "127.0.0.1");
        for (String key : PORT_KEYS) {
            env.put("LIAISON_" + key.toUpperCase().replace('.', '_'), String.valueOf(s.port(key)));
        }
        env.put("LIAISON_HTTP_PUBLIC_URL", "https://localhost:" + s.port("http.port"));
        env.put("LIAISON_RELAY_TRUSTED_CERTIFICATES", bundle.toString());
        env.put("LIAISON_RELAY_PRIVATE_DESTINATIONS", "true");
        return pb;
    }

    private void serve(Side s) throws Exception {
        Path log = s.dir().resolve("serve.log");
        Files.deleteIfExists(log);
        Process p = builder(s, "serve").redirectErrorStream(true).redirectOutput(log.toFile()).start();
        servers.add(p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(log) || !Files.readString(log).contains("Liaison serving")) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                // the tail says why: a temporary work directory and its log are gone once this exits
                List<String> lines = Files.exists(log)
                        ? new String(Files.readAllBytes(log), StandardCharsets.ISO_8859_1).lines().toList() : List.of();
                throw new IllegalStateException("gateway " + s.name() + " did not start ("
                        + (p.isAlive() ? "still starting after 120 s" : "exit status " + p.exitValue()) + "); the end of "
                        + log + ":\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
            }
            Thread.sleep(200);
        }
    }

    /** Users a_i and b_i and a relationship between them, unless an earlier run made them. */
    private void connect(int pairs) throws Exception {
        List<String> lines = Files.exists(pairsFile()) ? Files.readAllLines(pairsFile()) : List.of();
        if (lines.size() >= pairs) {
            return;
        }
        if (!lines.isEmpty()) {
            throw new IllegalStateException(pairsFile() + " has " + lines.size() + " pairs, " + pairs
                    + " asked for: use a new work directory");
        }
        List<String> made = new ArrayList<>();
        for (int i = 1; i <= pairs; i++) {
            admin(a, PASSWORD + "\n", "user", "add", "a" + i, "--display-name", "A " + i, "--password-stdin");
            admin(b, PASSWORD + "\n", "user", "add", "b" + i, "--display-name", "B " + i, "--password-stdin");
            String created = admin(a, "", "invite", "create", "--user", "a" + i, "--json", "--qr",
                    s(a.dir().resolve("invite-" + i + ".png")));
            Matcher token = TOKEN.matcher(created);
            if (!token.find()) {
                throw new IllegalStateException("no token in: " + created);
            }
            admin(b, "", "invite", "accept", "--user", "b" + i, token.group(1));
            String alias = activeAlias(a, "a" + i);
            made.add(String.join(" ", "a" + i, PASSWORD, "a" + i + "@" + a.domain(), alias, "b" + i, PASSWORD));
            System.err.println("pair " + i + ": a" + i + " writes to " + alias);
        }
        Files.write(pairsFile(), made, StandardCharsets.UTF_8);
    }

    private String activeAlias(Side s, String user) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            Matcher m = ACTIVE_ALIAS.matcher(admin(s, "", "relationship", "list", "--user", user, "--json"));
            if (m.find()) {
                return m.group(1);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(user + "'s relationship did not become active within 60 s; see "
                        + s.dir().resolve("serve.log"));
            }
            Thread.sleep(500);
        }
    }

    private String admin(Side s, String stdin, String... args) throws Exception {
        Path out = Files.createTempFile(s.dir(), "admin", ".out");
        Process p = builder(s, args).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("liaison " + String.join(" ", args) + " did not finish in 120 s");
        }
        String text = Files.readString(out);
        Files.delete(out);
        if (p.exitValue() != 0) {
            throw new IllegalStateException("liaison " + String.join(" ", args) + " failed: " + text);
        }
        return text;
    }

    private static String s(Path p) {
        return p.toString();
    }

    @Override
    public void close() {
        for (Process p : servers) {
            p.destroy();
        }
        for (Process p : servers) {
            try {
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
