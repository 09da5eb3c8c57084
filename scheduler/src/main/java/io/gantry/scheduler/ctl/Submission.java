package io.gantry.scheduler.ctl;

import io.gantry.scheduler.state.Store;
import io.gantry.scheduler.state.UnitRecord;
import io.gantry.scheduler.state.UnitRecord.Target;
import io.gantry.scheduler.unit.Unit;
import io.gantry.scheduler.unit.UnitName;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What submit, load and start write: unit files from the working directory (an instance's from its
 * template's file, else a template already submitted), checked before anything is written, and
 * fleet's {@code --replace} rules for units already submitted.
 */
final class Submission {

    private final Store store;
    private final Path dir;
    private final PrintStream out;
    private final PrintStream err;

    Submission(Store store, Path dir, PrintStream out, PrintStream err) {
        this.store = store;
        this.dir = dir;
        this.out = out;
        this.err = err;
    }

    /**
     * What to write so that each of {@code names} is submitted (with the templates of new instances) and
     * has {@code verb}'s target (submit leaves it as it is): one read of every unit, files checked first,
     * nothing written when any is bad. A unit already submitted whose file now differs is kept as submitted,
     * with a warning, unless {@code replace} and fleet's rules let {@code verb} replace a unit in its state.
     */
    Map<String, UnitRecord> writes(List<String> names, List<String> args, Verb verb, boolean replace) {
        Map<String, UnitRecord> units = store.units();
        Map<String, UnitRecord> writes = new LinkedHashMap<>();
        Map<String, Optional<String>> files = new java.util.HashMap<>();
        for (String name : names) {
            UnitName unitName = UnitName.parse(name);
            Optional<String> text = files.computeIfAbsent(name, n -> fileText(n, args));
            Optional<String> templateText = Optional.empty();
            if (unitName.isInstance() && text.isEmpty()) {
                templateText = files.computeIfAbsent(unitName.template(), n -> fileText(n, args));
                text = templateText;
            }
            UnitRecord existing = units.get(name);
            Target target = verb == Verb.SUBMIT ? existing == null ? Target.INACTIVE : existing.target() : verb.target;
            if (existing != null && (text.isEmpty() || text.get().equals(existing.text()))) {
                if (existing.target() != target) {
                    writes.put(name, existing.withTarget(target));
                }
                continue;
            }
            if (existing != null && (!replace || !verb.mayReplace(existing.target()))) {
                err.println(!replace ? "WARNING: unit " + name + " as submitted differs from its local file; add --replace to replace it"
                        : "WARNING: can not replace unit " + name + " in state '" + existing.target().word() + "', use the appropriate command");
                if (existing.target() != target) {
                    writes.put(name, existing.withTarget(target));
                }
                continue;
            }
            if (templateText.isPresent()) {
                String template = unitName.template();
                UnitRecord stored = writes.containsKey(template) ? writes.get(template) : units.get(template);
                if (stored == null || replace && !stored.text().equals(templateText.get())) {
                    Unit.parse(template, templateText.get());
                    writes.put(template, new UnitRecord(template, templateText.get(), Target.INACTIVE));
                    out.println("Unit " + template + (stored == null ? " submitted" : " replaced"));
                }
            }
            if (text.isEmpty() && unitName.isInstance()) {
                text = Optional.ofNullable(units.get(unitName.template())).map(UnitRecord::text);
            }
            if (text.isEmpty()) {
                throw new IllegalArgumentException("unit " + name + " not found: no file " + name
                        + (unitName.isInstance() ? " or " + unitName.template() : "") + " in " + dir + " and none submitted");
            }
            Unit.parse(name, text.get());
            writes.put(name, new UnitRecord(name, text.get(), target));
            out.println(existing == null ? "Unit " + name + " submitted"
                    : "Unit " + name + " replaced (" + Unit.hash(existing.text()) + " -> " + Unit.hash(text.get()) + ")");
        }
        return writes;
    }

    /** The text of unit {@code name}'s file: beside a path given as an argument, or in {@code dir}. */
    private Optional<String> fileText(String name, List<String> args) {
        List<Path> candidates = new ArrayList<>();
        for (String a : args) {
            if (a.contains("/")) {
                candidates.add(dir.resolve(a).resolveSibling(name));
            }
        }
        candidates.add(dir.resolve(name));
        for (Path p : candidates) {
            if (Files.isRegularFile(p)) {
                try {
                    return Optional.of(Files.readString(p));
                } catch (IOException e) {
                    throw new IllegalArgumentException("cannot read " + p + ": " + e.getMessage());
                }
            }
        }
        return Optional.empty();
    }
}
