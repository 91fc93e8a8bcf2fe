package dev.liaison.gateway.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A listing's columns, each as wide as its widest value (as {@code ls -l} and {@code ps} size
 * theirs): fixed widths misaligned every row whose value was longer, such as a relationship's
 * {@code requested} state or a long alias. Cells are left-aligned unless their column is right-aligned
 * (counts); the last column is not padded.
 */
final class TextTable {

    private final List<String[]> rows = new ArrayList<>();
    private final boolean[] right;

    TextTable(String... headings) {
        rows.add(headings);
        right = new boolean[headings.length];
    }

    /** Right-aligns the columns at these indexes (from 0), as numbers are read. */
    TextTable alignRight(int... columns) {
        for (int column : columns) {
            right[column] = true;
        }
        return this;
    }

    /** Adds a row of as many cells as there are headings; {@code null} is shown as {@code -}. */
    TextTable row(Object... cells) {
        if (cells.length != rows.get(0).length) {
            throw new IllegalArgumentException(cells.length + " cells for " + rows.get(0).length + " columns");
        }
        String[] row = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            row[i] = cells[i] == null ? "-" : cells[i].toString();
        }
        rows.add(row);
        return this;
    }

    void print(PrintStream out) {
        int columns = rows.get(0).length;
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns - 1; i++) {
                widths[i] = Math.max(widths[i], row[i].codePointCount(0, row[i].length()));
            }
        }
        StringBuilder line = new StringBuilder();
        for (String[] row : rows) {
            line.setLength(0);
            for (int i = 0; i < columns; i++) {
                String pad = i == columns - 1 ? "" : " ".repeat(widths[i] - row[i].codePointCount(0, row[i].length()));
                line.append(right[i] ? pad : "").append(row[i]).append(right[i] ? "" : pad).append(i == columns - 1 ? "" : " ");
            }
            out.println(line);
        }
    }
}
