package io.gantry.scheduler.ctl;

import io.gantry.scheduler.state.UnitRecord.Target;

/** Which of fleet's verbs is asking, for {@code --replace}'s rules. */
enum Verb {
    SUBMIT(Target.INACTIVE), LOAD(Target.LOADED), START(Target.LAUNCHED);

    final Target target;

    Verb(Target target) {
        this.target = target;
    }

    /** fleet's rule: submit replaces only an inactive unit, load an inactive or loaded one, start any. */
    boolean mayReplace(Target current) {
        return current.ordinal() <= target.ordinal();
    }
}
