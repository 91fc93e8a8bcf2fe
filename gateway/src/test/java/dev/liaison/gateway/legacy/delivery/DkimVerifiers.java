package dev.liaison.gateway.legacy.delivery;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Independent DKIM verifiers for the tests, each given the key's published record instead of a
 * DNS lookup: dkimpy (Debian package python3-dkim, which CI installs) run as a child process, and
 * Apache jDKIM in this JVM.
 */
final class DkimVerifiers {

    private static final String DKIMPY = String.join("\n",
            "import sys, dkim",
            "record = sys.argv[1].encode()",
            "def txt(name, timeout=5):",
            "    return record",
            "message = sys.stdin.buffer.read()",
            "sys.exit(0 if dkim.verify(message, dnsfunc=txt) else 1)",
            "");

    private DkimVerifiers() {
    }

    /** dkimpy's verdict; fails the test (rather than answering false) if dkimpy cannot run. */
    static boolean dkimpy(byte[] message, DkimKey key) throws IOException, InterruptedException {
        Path script = Files.createTempFile("dkim-verify", ".py");
        try {
            Files.writeString(script, DKIMPY, StandardCharsets.US_ASCII);
            Process process = new ProcessBuilder(python(), script.toString(), key.record())
                    .redirectErrorStream(true).start();
            try (OutputStream in = process.getOutputStream()) {
                in.write(message);
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("dkimpy did not finish in 30 s");
            }
            if (output.contains("ModuleNotFoundError")) {
                throw new AssertionError("dkimpy is missing: apt-get install python3-dkim (" + output.strip() + ")");
            }
            return process.exitValue() == 0;
        } finally {
            Files.deleteIfExists(script);
        }
    }

    /** Debian's interpreter, where {@code apt-get install python3-dkim} puts the module (a pyenv one may shadow it on PATH). */
    private static String python() {
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    /** Apache jDKIM's verdict, with the key served from memory under {@code selector._domainkey.domain}. */
    static boolean jdkim(byte[] message, DkimKey key, String domain) {
        return JdkimVerifier.verify(message, key, domain);
    }
}
