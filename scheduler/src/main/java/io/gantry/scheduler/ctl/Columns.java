package io.gantry.scheduler.ctl;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields one listing can show, each a function of a row and of {@code --full}; prints the rows a
 * {@link Listing} asks for as a {@link Table}, the header being the field names in capitals, as fleetctl does.
 */
final class Columns<T> {

    /** One field's text for a row; {@code full} asks for ids and hashes uncut. */
    interface Field<T> {
        String text(T row, boolean full);
    }

    private final Map<String, Field<T>> fields = new LinkedHashMap<>();

    Columns<T> field(String name, Field<T> field) {
        fields.put(name, field);
        return this;
    }

    /** The field names, in the order they were defined. */
    List<String> names() {
        return List.copyOf(fields.keySet());
    }

    void print(List<T> rows, Listing listing, PrintStream out) {
        Table table = new Table(listing.fields().stream().map(String::toUpperCase).toArray(String[]::new));
        for (T row : rows) {
            List<String> cells = new ArrayList<>();
            for (String f : listing.fields()) {
                String text = fields.get(f).text(row, listing.full());
                cells.add(text == null || text.isEmpty() ? "-" : text);
            }
            table.row(cells.toArray(String[]::new));
        }
        table.print(out, listing.legend());
    }
}
