package io.gantry.scheduler.unit;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A unit's name: {@code nginx.service}, a template {@code nginx@.service} or an instance of one,
 * {@code nginx@1.service} (prefix {@code nginx}, instance {@code 1}, template {@code nginx@.service}).
 */
public record UnitName(String name, String prefix, String instance, String type) {

    private static final Pattern NAME = Pattern.compile("([A-Za-z0-9:_.\\\\-]+?)(@([A-Za-z0-9:_.\\\\-]*))?\\.(service)");

    /** Parses {@code name}, or says what is wrong with it. */
    public static UnitName parse(String name) {
        Matcher m = NAME.matcher(name);
        if (!m.matches()) {
            throw new UnitException("'" + name + "' is not a unit name like web.service, web@.service or web@1.service");
        }
        return new UnitName(name, m.group(1), m.group(2) == null ? null : m.group(3), m.group(4));
    }

    /** True for {@code name@.service}: a file to instantiate, never run itself. */
    public boolean isTemplate() {
        return instance != null && instance.isEmpty();
    }

    /** True for {@code name@x.service}. */
    public boolean isInstance() {
        return instance != null && !instance.isEmpty();
    }

    /** The template this is an instance of ({@code nginx@.service}), or null. */
    public String template() {
        return isInstance() ? prefix + "@." + type : null;
    }

    /** The instance name, or "" when there is none (systemd's {@code %i}). */
    public String instanceOrEmpty() {
        return instance == null ? "" : instance;
    }

    @Override
    public String toString() {
        return name;
    }
}
