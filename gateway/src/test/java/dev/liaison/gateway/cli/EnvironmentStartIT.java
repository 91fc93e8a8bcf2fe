package dev.liaison.gateway.cli;

import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The container start-up path without Docker (there is no Docker engine on our machines): the
 * two gateways of {@code docker/compose.yaml}, started the way the image starts them — the
 * Dockerfile's ENTRYPOINT and CMD, its ENV and WORKDIR, the compose services' environment, no
 * configuration file, no command-line keys — on an external PostgreSQL prepared by the same
 * {@code postgres-init.sh} (each gateway a non-superuser role owning its database), with
 * certificates made by the same {@code tls-init.sh}. Then the administrator's steps of
 * {@code docker/README.md} (user add, invite create, invite accept, relationship list), run as
 * {@code docker compose exec} runs them: same environment, same working directory. Mail then
 * travels both ways between the two.
 *
 * <p>What is translated from container to this machine, and nothing else: container paths to
 * temporary directories, the service names {@code gw-a}/{@code gw-b}/{@code postgres} to
 * 127.0.0.1 and free ports, the database names made unique on the shared test server, the
 * {@code java} and jar paths. Added: the listener ports (two gateways share one host here) and
 * {@code bind-address=127.0.0.1}, all as environment variables too.
 */
class EnvironmentStartIT {

    private static final Duration DELIVERY_LIMIT = Duration.ofSeconds(60);
    private static final String IMAGE_JAR = "/opt/liaison/liaison.jar";

    @TempDir
    Path work;

    /** One gateway of compose.yaml on this machine. */
    private record Side(String service, String tlsService, Path dataDir, Map<String, Integer> ports) {
        int port(String key) {
            return ports.get(key);
        }
    }

    @Test
    void gatewaysStartedAsTheImageStartsThemConnectAndRelayMailBothWays() throws Exception {
        Path docker = ImageDefinition.dockerDirectory();
        ImageDefinition image = ImageDefinition.read(docker.resolve("Dockerfile"));
        Path compose = docker.resolve("compose.yaml");
        assertEquals("java", image.entrypoint().get(0), "the image runs the JVM directly (PID 1, signals reach it)");
        assertTrue(image.entrypoint().contains(IMAGE_JAR), image.entrypoint().toString());
        assertEquals(List.of("serve"), image.command());

        Side a = side("gw-a", "tls-a");
        Side b = side("gw-b", "tls-b");
        Path peers = Files.createDirectories(work.resolve("peers"));
        String nonce = "_" + ProcessHandle.current().pid() + "_" + Long.toHexString(System.nanoTime() & 0xffffff);
        String server = prepareDatabases(docker, compose, nonce);
        Map<String, String> rewrites = new LinkedHashMap<>();
        rewrites.put("/etc/liaison/peers", peers.toString());
        rewrites.put("https://gw-a:8443", "https://localhost:" + a.port("LIAISON_HTTP_PORT"));
        rewrites.put("https://gw-b:8443", "https://localhost:" + b.port("LIAISON_HTTP_PORT"));
        rewrites.put("jdbc:postgresql://postgres:5432/", "jdbc:postgresql://" + server + "/");
        rewrites.put("liaison_a", "liaison_a" + nonce);
        rewrites.put("liaison_b", "liaison_b" + nonce);

        Map<String, Map<String, String>> environments = new LinkedHashMap<>();
        for (Side side : List.of(a, b)) {
            Map<String, String> sideRewrites = new LinkedHashMap<>(rewrites);
            sideRewrites.put(image.workdir(), side.dataDir().toString()); // /var/lib/liaison: the data volume
            runTlsInit(docker, compose, image, side, sideRewrites);
            environments.put(side.service(), environment(image, compose, side, sideRewrites));
        }

        List<ServeProcess> served = new ArrayList<>();
        try {
            for (Side side : List.of(a, b)) {
                served.add(ServeProcess.start(imageProcess(image, side, environments.get(side.service())),
                        work.resolve(side.service() + ".log")));
            }
            LiaisonProcess adminA = new LiaisonProcess(a.dataDir(), environments.get("gw-a"));
            LiaisonProcess adminB = new LiaisonProcess(b.dataDir(), environments.get("gw-b"));
            String alexPassword = addUser(adminA, "alex", "Alex");
            String blairPassword = addUser(adminB, "blair", "Blair");

            var invitation = adminA.run("invite", "create", "--user", "alex");
            assertEquals(0, invitation.exitCode(), invitation.toString());
            Matcher link = Pattern.compile("(?m)^link: +(communicator:invitation/\\S+)$").matcher(invitation.stdout());
            assertTrue(link.find(), invitation.stdout());
            var accepted = adminB.run("invite", "accept", "--user", "blair", link.group(1));
            assertEquals(0, accepted.exitCode(), accepted.toString());
            String alexAtB = accepted.stdout().strip();
            assertTrue(alexAtB.matches("alex\\.[a-z2-7]{10}@b\\.liaison\\.test"), alexAtB);
            String blairAtA = activeAlias(adminA, "alex");
            assertTrue(blairAtA.matches("blair\\.[a-z2-7]{10}@a\\.liaison\\.test"), blairAtA);

            MailClient alex = new MailClient(a.port("LIAISON_SMTP_SUBMISSION_PORT"), a.port("LIAISON_IMAP_PORT"),
                    peers.resolve("gw-a.pem"));
            MailClient blair = new MailClient(b.port("LIAISON_SMTP_SUBMISSION_PORT"), b.port("LIAISON_IMAP_PORT"),
                    peers.resolve("gw-b.pem"));
            alex.send("alex", alexPassword, "alex@a.liaison.test", blairAtA, "from a to b" + nonce);
            assertEquals(1, blair.awaitSubject("blair", blairPassword, "from a to b" + nonce, DELIVERY_LIMIT),
                    "alex's message reached blair's INBOX at gw-b once");
            blair.send("blair", blairPassword, "blair@b.liaison.test", alexAtB, "from b to a" + nonce);
            assertEquals(1, alex.awaitSubject("alex", alexPassword, "from b to a" + nonce, DELIVERY_LIMIT),
                    "blair's reply reached alex's INBOX at gw-a once");
        } finally {
            for (ServeProcess p : served) {
                p.stop(); // SIGTERM, as docker stop sends
            }
        }
        assertFalse(Files.exists(a.dataDir().resolve("postgres")), "no embedded database was started");
    }

    private Side side(String service, String tlsService) throws Exception {
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (String key : List.of("LIAISON_SMTP_SUBMISSION_PORT", "LIAISON_SMTP_SUBMISSIONS_PORT",
                "LIAISON_SMTP_INBOUND_PORT", "LIAISON_IMAP_PORT", "LIAISON_IMAPS_PORT", "LIAISON_HTTP_PORT")) {
            ports.put(key, LoopbackPorts.free());
        }
        return new Side(service, tlsService, Files.createDirectories(work.resolve(service)), ports);
    }

    /**
     * Runs postgres-init.sh, as the postgres image does on its first start, against the test
     * server (roles made unique there); returns that server's host:port.
     */
    private String prepareDatabases(Path docker, Path compose, String nonce) throws Exception {
        List<TestPostgres> kinds = TestPostgres.available();
        var admin = kinds.get(kinds.size() - 1).freshLocation(); // the external server when CI names one
        Matcher hostPort = Pattern.compile("jdbc:postgresql://([^:/]+):(\\d+)/").matcher(admin.url());
        assertTrue(hostPort.find(), admin.url());
        ProcessBuilder pb = new ProcessBuilder("sh", docker.resolve("postgres-init.sh").toString())
                .redirectErrorStream(true);
        pb.environment().putAll(ImageDefinition.composeEnvironment(compose, "postgres"));
        pb.environment().putAll(Map.of("POSTGRES_USER", admin.user(), "PGHOST", hostPort.group(1),
                "PGPORT", hostPort.group(2), "PGPASSWORD", admin.password(),
                "LIAISON_A_DB_USER", "liaison_a" + nonce, "LIAISON_B_DB_USER", "liaison_b" + nonce));
        String output = run(pb, "postgres-init.sh (needs psql)");
        assertTrue(output.contains("database and role liaison_b" + nonce), output);
        return hostPort.group(1) + ":" + hostPort.group(2);
    }

    /** The compose service tlsService: tls-init.sh with its command, the image's environment, the gateway's data volume. */
    private void runTlsInit(Path docker, Path compose, ImageDefinition image, Side side, Map<String, String> rewrites)
            throws Exception {
        List<String> command = new ArrayList<>(List.of("sh", docker.resolve("tls-init.sh").toString()));
        ImageDefinition.composeCommand(compose, side.tlsService()).forEach(arg -> command.add(rewrite(arg, rewrites)));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        image.environment().forEach((k, v) -> pb.environment().put(k, rewrite(v, rewrites)));
        run(pb, side.tlsService());
    }

    /** Image ENV, then the compose service's environment (compose overrides the image), then this host's ports. */
    private static Map<String, String> environment(ImageDefinition image, Path compose, Side side,
                                                   Map<String, String> rewrites) throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        image.environment().forEach((k, v) -> env.put(k, rewrite(v, rewrites)));
        ImageDefinition.composeEnvironment(compose, side.service()).forEach((k, v) -> env.put(k, rewrite(v, rewrites)));
        side.ports().forEach((k, v) -> env.put(k, String.valueOf(v)));
        env.put("LIAISON_BIND_ADDRESS", "127.0.0.1");
        for (var e : env.entrySet()) {
            assertFalse(e.getValue().matches(".*(/var/lib/liaison|/etc/liaison|gw-[ab]:|postgres:5432).*"),
                    "a container-only name left untranslated in " + e);
        }
        return Map.copyOf(env);
    }

    /** ENTRYPOINT + CMD of the image, with only the java binary and the jar's path translated. */
    private static ProcessBuilder imageProcess(ImageDefinition image, Side side, Map<String, String> env) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        image.entrypoint().subList(1, image.entrypoint().size())
                .forEach(arg -> command.add(arg.equals(IMAGE_JAR) ? LiaisonProcess.jar().toString() : arg));
        command.addAll(image.command());
        ProcessBuilder pb = new ProcessBuilder(command).directory(side.dataDir().toFile()); // WORKDIR
        pb.environment().keySet().removeIf(k -> k.startsWith("LIAISON_"));
        pb.environment().putAll(env);
        return pb;
    }

    private static String addUser(LiaisonProcess admin, String login, String displayName) throws Exception {
        var added = admin.run("user", "add", login, "--display-name", displayName);
        assertEquals(0, added.exitCode(), added.toString());
        Matcher password = Pattern.compile("(?m)^password: (\\S+)$").matcher(added.stdout());
        assertTrue(password.find(), "user add prints the generated password: " + added);
        return password.group(1);
    }

    /** The alias of the user's relationship once the peer's key agreement has arrived (bounded wait). */
    private static String activeAlias(LiaisonProcess admin, String user) throws Exception {
        Pattern active = Pattern.compile("\"state\": \"active\", \"alias\": \"([^\"]+)\"");
        long deadline = System.nanoTime() + DELIVERY_LIMIT.toNanos();
        while (true) {
            var list = admin.run("relationship", "list", "--user", user, "--json");
            assertEquals(0, list.exitCode(), list.toString());
            Matcher m = active.matcher(list.stdout());
            if (m.find()) {
                return m.group(1);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(user + "'s relationship did not become active: " + list.stdout());
            }
            Thread.sleep(500);
        }
    }

    private static String rewrite(String value, Map<String, String> rewrites) {
        String out = value;
        for (var r : rewrites.entrySet()) {
            out = out.replace(r.getKey(), r.getValue());
        }
        return out;
    }

    private static String run(ProcessBuilder pb, String what) throws Exception {
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), what + " did not finish");
        assertEquals(0, p.exitValue(), what + " failed:\n" + output);
        return output;
    }
}
