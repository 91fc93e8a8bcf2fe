package dev.liaison.gateway.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TextTableTest {

    /** The tester's case: {@code requested} is wider than the old fixed STATE column and pushed ALIAS out of line. */
    @Test
    void everyColumnIsAsWideAsItsWidestValue() {
        TextTable table = new TextTable("ID", "PEER", "STATE", "ALIAS")
                .row(7, "Bob", "active", "bob.x7@a.test")
                .row(12, "Carol Longname-Whitfield", "requested", null);
        assertEquals(List.of(
                "ID PEER                     STATE     ALIAS",
                "7  Bob                      active    bob.x7@a.test",
                "12 Carol Longname-Whitfield requested -"), lines(table));
    }

    @Test
    void rightAlignedColumnsAndCharactersBeyondLatinAreLinedUp() {
        TextTable table = new TextTable("NAME", "OCTETS", "NOTE").alignRight(1)
                .row("Zoë", 5, "a")
                .row("Ann", 12345, "b");
        assertEquals(List.of(
                "NAME OCTETS NOTE",
                "Zoë       5 a",
                "Ann   12345 b"), lines(table));
    }

    private static List<String> lines(TextTable table) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        table.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }
}
