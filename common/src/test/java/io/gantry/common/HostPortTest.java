package io.gantry.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class HostPortTest {

    @Test
    void readsTheTutorialsFormat() {
        assertEquals(new HostPort("10.0.0.5", 80), HostPort.parse("10.0.0.5:80"));
        assertEquals(new HostPort("backend.local", 8080), HostPort.parse(" backend.local:8080 "));
    }

    @Test
    void readsBracketedIpv6AndPrintsItBack() {
        HostPort hp = HostPort.parse("[::1]:8080");
        assertEquals("::1", hp.host());
        assertEquals("[::1]:8080", hp.toString());
    }

    @Test
    void rejectsWhatIsNotHostPortNamingTheText() {
        for (String bad : new String[] {"abc", "10.0.0.5", ":80", "10.0.0.5:", "host:0", "host:65536", "host:x", "::1:80",
                "a b:80", "http://x:80"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostPort.parse(bad), bad);
            assertEquals(true, e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
    }
}
