package io.gantry.scheduler.ctl;

import java.util.ArrayList;
import java.util.List;

/**
 * How a {@code list-*} command prints, in fleetctl's flags: the columns ({@code --fields unit,machine}),
 * whether the header line is printed ({@code --no-legend} leaves it out) and whether machine ids and
 * hashes are cut ({@code -l/--full} prints them whole).
 */
public record Listing(List<String> fields, boolean legend, boolean full) {

    public Listing {
        fields = List.copyOf(fields);
    }

    /**
     * Reads {@code --fields} (null: {@code defaults}) against the fields a listing {@code known}s.
     *
     * @throws IllegalArgumentException naming the flag and the unknown field, or an empty list
     */
    public static Listing of(String fieldsFlag, String defaults, List<String> known, boolean noLegend, boolean full) {
        String text = fieldsFlag == null ? defaults : fieldsFlag;
        List<String> fields = new ArrayList<>();
        for (String f : text.split(",", -1)) {
            String field = f.strip();
            if (field.isEmpty()) {
                throw new IllegalArgumentException("--fields '" + text + "': an empty field (known: " + String.join(",", known) + ")");
            }
            if (!known.contains(field)) {
                throw new IllegalArgumentException("--fields: unknown field '" + field + "' (known: " + String.join(",", known) + ")");
            }
            fields.add(field);
        }
        return new Listing(fields, !noLegend, full);
    }
}
