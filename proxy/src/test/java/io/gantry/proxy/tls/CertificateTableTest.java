package io.gantry.proxy.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.gantry.testing.TestCertificates;
import io.gantry.testing.TestCertificates.KeyFormat;
import io.gantry.testing.TestCertificates.KeyType;
import java.util.List;
import org.junit.jupiter.api.Test;

class CertificateTableTest {

    private static final TestCertificates.Authority CA = TestCertificates.authority("test ca");

    private static CertificateTable.Entry entry(String origin, String... names) {
        TestCertificates.Issued issued = CA.issue(KeyType.EC, names);
        return new CertificateTable.Entry(ServerCertificate.parse(origin, issued.chainPem(), issued.keyPem(KeyFormat.PKCS8)), null);
    }

    private final CertificateTable.Entry first = entry("first", "example.com", "www.example.com");
    private final CertificateTable.Entry wildcard = entry("wildcard", "*.example.com");
    private final CertificateTable.Entry api = entry("api", "api.example.com");
    private final CertificateTable table = new CertificateTable(List.of(first, wildcard, api));

    private String origin(String serverName) {
        return table.select(serverName).certificate().origin();
    }

    @Test
    void exactNamesWinOverWildcards() {
        assertEquals("api", origin("api.example.com"));
        assertEquals("first", origin("www.example.com"));
        assertEquals("first", origin("example.com"));
    }

    @Test
    void wildcardCoversOneLabelOnly() {
        assertEquals("wildcard", origin("shop.example.com"));
        assertEquals("first", origin("a.b.example.com"), "two labels: the default");
    }

    @Test
    void noNameOrAnUnknownOneGetsTheFirstCertificate() {
        assertEquals("first", origin(null));
        assertEquals("first", origin("other.org"));
    }

    @Test
    void namesMatchWhateverTheirCaseAndATrailingDot() {
        assertEquals("api", origin("API.Example.COM"));
        assertEquals("api", origin("api.example.com."));
    }

    @Test
    void theEarlierOfTwoCertificatesForOneNameWins() {
        CertificateTable.Entry again = entry("again", "api.example.com");
        assertEquals("api", new CertificateTable(List.of(api, again)).select("api.example.com").certificate().origin());
    }

    @Test
    void anEmptyTableSelectsNothing() {
        assertNull(new CertificateTable(List.of()).select("example.com"));
    }
}
