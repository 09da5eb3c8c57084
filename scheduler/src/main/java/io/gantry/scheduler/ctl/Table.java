package io.gantry.scheduler.ctl;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** Left-aligned columns separated by two spaces or more, like fleetctl's tables. */
final class Table {

    private final List<String[]> rows = new ArrayList<>();

    Table(String... header) {
        rows.add(header);
    }

    Table row(String... cells) {
        rows.add(cells);
        return this;
    }

    void print(PrintStream out) {
        print(out, true);
    }

    /** Prints the rows, and the header first when {@code legend}; columns are as wide as what is printed. */
    void print(PrintStream out, boolean legend) {
        List<String[]> printed = legend ? rows : rows.subList(1, rows.size());
        int columns = rows.get(0).length;
        int[] width = new int[columns];
        for (String[] r : printed) {
            for (int i = 0; i < columns; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        for (String[] r : printed) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                line.append(r[i]);
                if (i < columns - 1) {
                    line.append(" ".repeat(width[i] - r[i].length() + 2));
                }
            }
            out.println(line.toString().stripTrailing());
        }
    }
}
