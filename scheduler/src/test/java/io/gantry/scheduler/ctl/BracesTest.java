package io.gantry.scheduler.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class BracesTest {

    @Test
    void rangesAndListsExpandWithoutAShell() {
        assertEquals(List.of("n@1.service", "n@2.service", "n@3.service"), Braces.expand("n@{1..3}.service"));
        assertEquals(List.of("n@a.service", "n@b.service"), Braces.expand("n@{a,b}.service"));
        assertEquals(List.of("a1", "a2", "b1", "b2"), Braces.expand("{a,b}{1,2}"));
        assertEquals(List.of("plain.service"), Braces.expand("plain.service"));
    }

    @Test
    void unitNamesFromArgumentsAreCheckedAndDeduplicated() {
        assertEquals(List.of("n@1.service", "n@2.service"), Ctl.names(List.of("n@{1..2}.service", "dir/n@1.service")));
        assertEquals("'n@1.timer' is not a unit name like web.service, web@.service or web@1.service",
                assertThrows(IllegalArgumentException.class, () -> Ctl.names(List.of("n@1.timer"))).getMessage());
    }
}
