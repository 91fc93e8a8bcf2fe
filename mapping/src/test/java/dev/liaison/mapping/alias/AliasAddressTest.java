package dev.liaison.mapping.alias;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AliasAddressTest {

    @Test
    void parsingLowerCasesAndSplits() {
        AliasAddress a = AliasAddress.parse(" Blair.K7Q2XMFD3A@GW.Example ");
        assertEquals("blair.k7q2xmfd3a@gw.example", a.value());
        assertEquals("blair.k7q2xmfd3a", a.localPart());
        assertEquals("gw.example", a.domain());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a%b@gw.example", "@a:b@gw.example", "\"a@b\"@gw.example", "a!b@gw.example",
            "a@[127.0.0.1]", "a@gw.example.", "a..b@gw.example", "аlex@gw.example", "a@gw..example", "a", "@gw.example",
            "a@", ".a@gw.example", "a.@gw.example", "a b@gw.example"})
    void relayTricksAndMalformedAddressesAreNeverAliases(String input) {
        assertThrows(InvalidAliasException.class, () -> AliasAddress.parse(input));
    }

    @Test
    void generatedLocalPartsHaveThePrefixAndFiftyRandomBits() {
        var generator = new LocalPartGenerator(new Random(1));
        String local = generator.generate("blair");
        assertTrue(local.matches("blair\\.[a-z2-7]{10}"), local);
        Set<String> seen = new HashSet<>();
        var secure = new LocalPartGenerator();
        for (int i = 0; i < 10_000; i++) {
            assertTrue(seen.add(secure.generate("x")));
        }
    }

    @Test
    void prefixesFromNamesAreReadableAscii() {
        assertEquals("blair", LocalPartGenerator.prefixFrom("Blair"));
        assertEquals("zoeleroux", LocalPartGenerator.prefixFrom("Zoë Le Roux"));
        assertEquals("alias", LocalPartGenerator.prefixFrom("王"));
        assertEquals("averyveryverylon", LocalPartGenerator.prefixFrom("A very very very long name"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-a", "a-", "A", "a.b", "a_b", "abcdefghijklmnopq"})
    void adminPrefixesAreChecked(String prefix) {
        assertThrows(InvalidAliasException.class, () -> LocalPartGenerator.checkedPrefix(prefix));
    }
}
