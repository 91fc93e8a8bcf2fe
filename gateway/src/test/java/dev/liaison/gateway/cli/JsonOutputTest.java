package dev.liaison.gateway.cli;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code --json}: counts and ids are JSON numbers (a script compares them as numbers), text is a string. */
class JsonOutputTest {

    @Test
    void numbersAreWrittenAsNumbersAndTextAsStrings() {
        Map<String, Object> quarantined = new LinkedHashMap<>();
        quarantined.put("envelope", "AAAA");
        quarantined.put("failures", 0);
        quarantined.put("octets", 1234);
        quarantined.put("reason", "say \"no\"");
        assertEquals("[\n  {\"envelope\": \"AAAA\", \"failures\": 0, \"octets\": 1234, \"reason\": \"say \\\"no\\\"\"}\n]",
                JsonOutput.array(List.of(quarantined)));
        assertEquals("[]", JsonOutput.array(List.of()));
    }
}
