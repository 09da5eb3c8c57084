package io.gantry.discovery.check;

/** The HTTP statuses that count as healthy, written {@code 200-399} or {@code 200}. */
public record StatusRange(int low, int high) {

    public StatusRange {
        if (low < 100 || high > 599 || low > high) {
            throw new IllegalArgumentException("status range " + low + "-" + high + " is not within 100-599");
        }
    }

    /** Parses {@code 200-399} or a single status such as {@code 200}. */
    public static StatusRange parse(String text) {
        String[] parts = text.trim().split("-", -1);
        try {
            if (parts.length == 1) {
                int s = Integer.parseInt(parts[0]);
                return new StatusRange(s, s);
            }
            if (parts.length == 2) {
                return new StatusRange(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
            }
        } catch (NumberFormatException e) {
            // reported below
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "': " + e.getMessage());
        }
        throw new IllegalArgumentException("'" + text + "' is not a status range like 200-399");
    }

    public boolean contains(int status) {
        return status >= low && status <= high;
    }

    @Override
    public String toString() {
        return low == high ? String.valueOf(low) : low + "-" + high;
    }
}
