package dev.liaison.gateway.specification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/protocol.md and the code must agree byte for byte: every {@code <!-- vector:NAME -->} block
 * in the document is regenerated from seeded entropy and compared. When the wire format changes on
 * purpose, print the new blocks with {@link ProtocolVectors#main} and paste them into the document.
 */
class ProtocolSpecificationTest {
    private static final Pattern BLOCK = Pattern.compile("<!-- vector:([a-z-]+) -->\\n```text\\n(.*?)```", Pattern.DOTALL);

    @Test
    void testVectorsInTheSpecificationMatchTheImplementation() throws Exception {
        String document = Files.readString(specification());
        Map<String, String> expected = ProtocolVectors.generate();
        Matcher matcher = BLOCK.matcher(document);
        java.util.Set<String> seen = new java.util.HashSet<>();
        while (matcher.find()) {
            String name = matcher.group(1);
            assertTrue(expected.containsKey(name), "docs/protocol.md has an unknown vector " + name);
            assertEquals(expected.get(name), matcher.group(2), "vector " + name + " drifted from the code");
            seen.add(name);
        }
        assertEquals(expected.keySet(), seen, "every generated vector appears in docs/protocol.md");
    }

    @Test
    void labelTableInTheSpecificationListsExactlyTheLabelsTheCodeUses() throws Exception {
        String document = Files.readString(specification());
        java.util.Set<String> documented = new java.util.TreeSet<>();
        Matcher row = Pattern.compile("\\| `L_[A-Z0-9_]+` \\| `([^`]+)` \\|").matcher(document);
        while (row.find()) {
            documented.add(row.group(1));
        }
        java.util.Set<String> used = new java.util.TreeSet<>();
        for (java.lang.reflect.Field field : dev.liaison.gateway.primitive.Labels.class.getFields()) {
            used.add(new String((byte[]) field.get(null), java.nio.charset.StandardCharsets.US_ASCII));
        }
        assertEquals(used, documented);
    }

    private static Path specification() throws IOException {
        for (Path directory = Path.of("").toAbsolutePath(); directory != null; directory = directory.getParent()) {
            Path candidate = directory.resolve("docs/protocol.md");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IOException("docs/protocol.md not found above " + Path.of("").toAbsolutePath());
    }
}
