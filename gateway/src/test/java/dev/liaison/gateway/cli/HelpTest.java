package dev.liaison.gateway.cli;

import dev.liaison.gateway.Liaison;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An administrator's first question to any command, group or not, is answered without touching anything. */
class HelpTest {

    @ParameterizedTest
    @ValueSource(strings = {"serve", "config", "demo", "dns", "queue flush", "user add", "user passwd", "alias create", "invite accept",
            "relationship accept", "quarantine drop", "backup", "restore"})
    void everyCommandAnswersHelp(String command) {
        String[] args = (command + " --help").split(" ");
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            code = Liaison.run(args);
        } finally {
            System.setOut(original);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, text);
        assertTrue(text.startsWith("Usage: liaison " + command + " "), text);
    }

    /**
     * The warning for a {@code LIAISON_*} variable that names no key says "liaison config --help
     * lists them": it does, every key with its variable.
     */
    @org.junit.jupiter.api.Test
    void configHelpListsEveryKeyWithItsEnvironmentVariable() {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            assertEquals(0, Liaison.run(new String[]{"config", "--help"}));
        } finally {
            System.setOut(original);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        for (dev.liaison.gateway.config.ConfigKey key : dev.liaison.gateway.config.ConfigKey.values()) {
            assertTrue(text.lines().anyMatch(l -> l.strip().startsWith(key.environmentName() + " ")
                    && l.endsWith(" " + key.key()) && l.length() <= 80), key + " in\n" + text);
        }
    }

    /**
     * An unknown option is the mistake to report, before a parameter missing around it: picocli on
     * its own said "Missing required parameter: 'LOGIN'" for {@code user add -x}.
     */
    @org.junit.jupiter.api.Test
    void anUnknownOptionIsReportedBeforeAMissingParameter() {
        InProcessCli.Run run = InProcessCli.capture("", "user", "add", "-x");
        int code = run.code();
        String text = run.output();
        assertEquals(2, code, text);
        assertTrue(text.startsWith("Unknown option: '-x'"), text);
        assertTrue(text.contains("Usage: liaison user add "), text);
    }
}
