package io.gantry.common.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A config file in the flags' own words: one {@code name = value} a line, where {@code name} is a long
 * flag without its dashes; {@code #} starts a comment; a repeatable flag may appear on several lines.
 *
 * <pre>
 * listen = 0.0.0.0:8080
 * etcd   = http://127.0.0.1:2379
 * </pre>
 */
public final class ConfigFile {

    /** One setting, with the line it came from for error messages. */
    public record Setting(String name, String value, int line) {
    }

    private final Path path;
    private final Map<String, List<Setting>> settings;

    private ConfigFile(Path path, Map<String, List<Setting>> settings) {
        this.path = path;
        this.settings = settings;
    }

    /**
     * Reads a config file.
     *
     * @throws IllegalArgumentException naming the file and line that is not {@code name = value}, or
     *     the file when it cannot be read
     */
    public static ConfigFile read(Path path) {
        List<String> lines;
        try {
            lines = Files.readAllLines(path);
        } catch (IOException e) {
            throw new IllegalArgumentException("config " + path + ": cannot read (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        }
        Map<String, List<Setting>> settings = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = stripComment(lines.get(i)).trim();
            if (line.isEmpty()) {
                continue;
            }
            int eq = line.indexOf('=');
            String name = eq < 0 ? "" : line.substring(0, eq).trim();
            if (eq < 0 || name.isEmpty() || !name.matches("[a-z][a-z0-9-]*")) {
                throw new IllegalArgumentException("config " + path + " line " + (i + 1) + ": expected 'name = value', got '"
                        + line + "'");
            }
            settings.computeIfAbsent(name, k -> new java.util.ArrayList<>())
                    .add(new Setting(name, line.substring(eq + 1).trim(), i + 1));
        }
        return new ConfigFile(path, settings);
    }

    private static String stripComment(String line) {
        int hash = line.indexOf('#');
        return hash < 0 ? line : line.substring(0, hash);
    }

    public Path path() {
        return path;
    }

    /** Settings by name, in file order. */
    public Map<String, List<Setting>> settings() {
        return settings;
    }
}
