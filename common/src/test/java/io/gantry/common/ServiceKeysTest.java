package io.gantry.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ServiceKeysTest {

    @Test
    void plainHostPortIsTheTutorialsValue() {
        assertEquals(new HostPort("10.0.0.5", 80), ServiceKeys.parseValue("/services/website/nginx@1", "10.0.0.5:80"));
    }

    @Test
    void jsonValueWithAddressIsAccepted() {
        assertEquals(new HostPort("10.0.0.5", 80),
                ServiceKeys.parseValue("/services/website/nginx@1", "{\"address\":\"10.0.0.5:80\",\"weight\":2}"));
    }

    @Test
    void malformedValueNamesTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServiceKeys.parseValue("/services/website/x", "abc"));
        assertTrue(e.getMessage().startsWith("key /services/website/x: value 'abc' is not host:port"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ServiceKeys.parseValue("/k", "{\"addr\":\"1.2.3.4:80\"}"));
        assertThrows(IllegalArgumentException.class, () -> ServiceKeys.parseValue("/k", "{not json"));
    }

    @Test
    void tlsTrueSaysTheBackendIsReachedOverTls() {
        assertEquals(new BackendValue(new HostPort("backend.example", 443), true),
                ServiceKeys.parseBackend("/services/website/a", "{\"address\":\"backend.example:443\",\"tls\":true}"));
        assertEquals(new BackendValue(new HostPort("10.0.0.5", 80), false),
                ServiceKeys.parseBackend("/services/website/a", "{\"address\":\"10.0.0.5:80\",\"tls\":false}"));
    }

    @Test
    void plainAndJsonValuesWithoutTlsAreCleartext() {
        assertFalse(ServiceKeys.parseBackend("/k", "10.0.0.5:80").tls());
        assertFalse(ServiceKeys.parseBackend("/k", "{\"address\":\"10.0.0.5:80\",\"weight\":2,\"zone\":\"b\"}").tls());
    }

    @Test
    void tlsThatIsNotABooleanIsRejectedNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServiceKeys.parseBackend("/services/website/x", "{\"address\":\"10.0.0.5:443\",\"tls\":\"yes\"}"));
        assertTrue(e.getMessage().startsWith("key /services/website/x: value '"), e.getMessage());
        assertTrue(e.getMessage().contains("\"tls\": \"yes\", which is not true or false"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ServiceKeys.parseValue("/k", "{\"address\":\"10.0.0.5:443\",\"tls\":1}"));
    }

    @Test
    void protocolSaysHowTheBackendIsSpokenTo() {
        assertEquals("http/1.1", ServiceKeys.parseBackend("/k", "10.0.0.5:80").protocol());
        assertEquals("h2c", ServiceKeys.parseBackend("/k", "{\"address\":\"10.0.0.5:80\",\"protocol\":\"h2c\"}").protocol());
        assertEquals("h2", ServiceKeys.parseBackend("/k", "{\"address\":\"a.example:443\",\"tls\":true,\"protocol\":\"H2\"}").protocol());
    }

    @Test
    void unknownOrContradictoryProtocolIsRejectedNamingTheKey() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> ServiceKeys.parseBackend("/services/api/x", "{\"address\":\"10.0.0.5:80\",\"protocol\":\"h3\"}"));
        assertTrue(unknown.getMessage().contains("/services/api/x") && unknown.getMessage().contains("h2c"), unknown.getMessage());
        IllegalArgumentException h2Cleartext = assertThrows(IllegalArgumentException.class,
                () -> ServiceKeys.parseBackend("/services/api/x", "{\"address\":\"10.0.0.5:80\",\"protocol\":\"h2\"}"));
        assertTrue(h2Cleartext.getMessage().contains("cleartext HTTP/2 is \"h2c\""), h2Cleartext.getMessage());
        IllegalArgumentException h2cTls = assertThrows(IllegalArgumentException.class, () -> ServiceKeys.parseBackend(
                "/services/api/x", "{\"address\":\"10.0.0.5:443\",\"tls\":true,\"protocol\":\"h2c\"}"));
        assertTrue(h2cTls.getMessage().contains("HTTP/2 over TLS is \"h2\""), h2cTls.getMessage());
    }

    @Test
    void weightAndDrainingAreReadAndWrittenBack() {
        BackendValue v = ServiceKeys.parseBackend("/k", "{\"address\":\"10.0.0.5:80\",\"weight\":3,\"draining\":true}");
        assertEquals(3, v.weight());
        assertTrue(v.draining());
        assertEquals(1, ServiceKeys.parseBackend("/k", "10.0.0.5:80").weight());
        assertFalse(ServiceKeys.parseBackend("/k", "10.0.0.5:80").draining());
        BackendValue drained = ServiceKeys.parseBackend("/k", "{\"address\":\"a.example:443\",\"tls\":true,\"protocol\":\"h2\"}")
                .asDraining();
        assertEquals(drained, ServiceKeys.parseBackend("/k", drained.toJson()));
        assertEquals("{\"address\":\"a.example:443\",\"tls\":true,\"protocol\":\"h2\",\"draining\":true}", drained.toJson());
    }

    @Test
    void weightOutOfRangeOrDrainingNotABooleanIsRejectedNamingTheKey() {
        for (String weight : new String[] {"-1", "257", "1.5", "\"3\""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ServiceKeys.parseBackend(
                    "/services/api/x", "{\"address\":\"10.0.0.5:80\",\"weight\":" + weight + "}"));
            assertTrue(e.getMessage().contains("/services/api/x") && e.getMessage().contains("from 0 to 256"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ServiceKeys.parseBackend(
                "/services/api/x", "{\"address\":\"10.0.0.5:80\",\"draining\":\"yes\"}"));
        assertTrue(e.getMessage().contains("\"draining\": \"yes\", which is not true or false"), e.getMessage());
    }

    @Test
    void prefixGetsTheSlashThatSeparatesServices() {
        assertEquals("/services/web/", ServiceKeys.normalizePrefix("/services/web"));
        assertEquals("/services/web/", ServiceKeys.prefix("web"));
        assertThrows(IllegalArgumentException.class, () -> ServiceKeys.normalizePrefix("services/web"));
    }
}
