package io.gantry.scheduler.unit;

/**
 * systemd's specifiers in a unit file's values: {@code %n} the unit's name, {@code %p} its prefix,
 * {@code %i} its instance, {@code %m} the machine id, {@code %H} the host name, {@code %%} a percent.
 */
public record Specifiers(UnitName unit, String machineId, String hostname) {

    /** {@code text} with every specifier replaced; an unknown one is an error naming it. */
    public String expand(String text) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            if (i + 1 == text.length()) {
                throw new UnitException("'%' at the end of '" + text + "' (write %% for a percent sign)");
            }
            char s = text.charAt(++i);
            out.append(switch (s) {
                case 'n' -> unit.name();
                case 'N' -> unit.name().substring(0, unit.name().lastIndexOf('.'));
                case 'p' -> unit.prefix();
                case 'i', 'I' -> unit.instanceOrEmpty();
                case 'm' -> machineId;
                case 'H' -> hostname;
                case '%' -> "%";
                default -> throw new UnitException("unknown specifier %" + s + " in '" + text + "' (write %% for a percent sign)");
            });
        }
        return out.toString();
    }
}
