package io.gantry.proxy.accesslog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The combined format, compared with lines nginx 1.22 wrote for the same requests. */
class AccessLogCombinedTest {

    private static String line(AccessLogEntry e, ZoneId zone) {
        StringBuilder out = new StringBuilder();
        AccessLogFormat.COMBINED.newFormatter(zone).append(e, out);
        return out.toString();
    }

    @Test
    void hostileRequestIsEscapedExactlyAsNginxWritesIt() {
        // Sent to nginx 1.22 with log_format combined as these bytes:
        //   GET /a"b\c<C3 A9>?q=1 HTTP/1.1 / User-Agent: Mo"zi\lla<01><C3 A9><7F> / Authorization: Basic user:pass
        AccessLogEntry e = Entries.forwarded("/a\"b\\c\u00c3\u00a9?q=1", "Basic dXNlcjpwYXNz", "http://r/",
                "Mo\"zi\\lla\u0001\u00c3\u00a9\u007f");
        assertEquals("127.0.0.1 - user [02/Dec/2026:07:56:22 +0000] \"GET /a\\x22b\\x5Cc\\xC3\\xA9?q=1 HTTP/1.1\" 200 6 "
                + "\"http://r/\" \"Mo\\x22zi\\x5Clla\\x01\\xC3\\xA9\\x7F\"\n", line(e, ZoneOffset.UTC));
    }

    @Test
    void missingValuesAreDashesAsInNginx() {
        AccessLogEntry e = Entries.forwarded("/", null, null, null);
        assertEquals("127.0.0.1 - - [02/Dec/2026:07:56:22 +0000] \"GET / HTTP/1.1\" 200 6 \"-\" \"-\"\n", line(e, ZoneOffset.UTC));
    }

    @Test
    void aLineBreakInAHeaderCannotStartAForgedLine() {
        AccessLogEntry e = Entries.forwarded("/", null, null, "x\n1.2.3.4 - - [01/Jan/2026:00:00:00 +0000] \"GET /admin\"");
        String line = line(e, ZoneOffset.UTC);
        assertEquals(1, line.lines().count(), line);
        assertEquals("\"x\\x0A1.2.3.4 - - [01/Jan/2026:00:00:00 +0000] \\x22GET /admin\\x22\"\n",
                line.substring(line.indexOf("\"-\" ") + 4));
    }

    @Test
    void unreadableRequestLineIsADashAndTheLocalTimeCarriesItsOffset() {
        AccessLogEntry e = new AccessLogEntry(Entries.WHEN, "::1", null, null, null, null, 400, 0, 157, 1000, -1,
                null, null, "static", "static", null, null, 0);
        assertEquals("::1 - - [02/Dec/2026:08:56:22 +0100] \"-\" 400 157 \"-\" \"-\"\n", line(e, ZoneId.of("Europe/Paris")));
    }

    @Test
    void basicUserThatIsNotBasicOrNotBase64IsADash() {
        assertEquals(null, BasicUser.of("Bearer abc"));
        assertEquals(null, BasicUser.of("Basic !!!"));
        assertEquals(null, BasicUser.of("Basic " + java.util.Base64.getEncoder().encodeToString("nocolon".getBytes())));
        assertEquals("al\"ice", BasicUser.of("basic " + java.util.Base64.getEncoder().encodeToString("al\"ice:pw".getBytes())));
    }
}
