package io.gantry.proxy.accesslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The JSON format: one valid object a line, whatever a client put in its request. */
class AccessLogJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String line(AccessLogEntry e) {
        StringBuilder out = new StringBuilder();
        AccessLogFormat.JSON.newFormatter(ZoneOffset.UTC).append(e, out);
        return out.toString();
    }

    private static JsonNode parsed(String line) throws Exception {
        assertTrue(line.endsWith("}\n"), line);
        assertEquals(1, line.lines().count(), "one line: " + line);
        return JSON.readTree(line);
    }

    @Test
    void forwardedRequestHasEveryField() throws Exception {
        String line = line(Entries.forwarded("/index.html?a=1", "Basic dXNlcjpwYXNz", "http://r/", "curl/8.0"));
        assertEquals("{\"time\":\"2026-12-02T07:56:22.042+00:00\",\"client\":\"127.0.0.1\",\"user\":\"user\",\"method\":\"GET\","
                + "\"uri\":\"/index.html?a=1\",\"protocol\":\"HTTP/1.1\",\"status\":200,\"bytes_received\":0,\"bytes_sent\":6,"
                + "\"request_time\":0.001234,\"backend_time\":0.000987,\"route\":\"static\",\"service\":\"static\","
                + "\"backend\":\"127.0.0.1:8081\",\"tls\":null,\"retries\":0,\"referer\":\"http://r/\",\"user_agent\":\"curl/8.0\"}\n",
                line);
        parsed(line);
    }

    @Test
    void proxyAnswerHasNoBackendAndNoBackendTime() throws Exception {
        JsonNode n = parsed(line(Entries.answeredByProxy()));
        assertEquals("-", n.get("backend").asText());
        assertTrue(n.get("backend_time").isNull());
        assertEquals(503, n.get("status").asInt());
        assertEquals("TLSv1.3", n.get("tls").asText());
        assertEquals(1, n.get("retries").asInt());
        assertEquals(12, n.get("bytes_received").asInt());
        assertEquals("HTTP/1.0", n.get("protocol").asText());
        assertEquals("/services/website/", n.get("route").asText());
        assertEquals("website", n.get("service").asText());
        assertEquals(0.000042, n.get("request_time").asDouble());
    }

    @Test
    void quotesBackslashesAndControlCharactersAreEscaped() throws Exception {
        String hostile = "/\"},\"status\":200,\"x\":\"\\\n\r\t\u0000\u001b[31m\u007f";
        String line = line(Entries.forwarded(hostile, null, null, "agent\"\u0008\u000c"));
        JsonNode n = parsed(line);
        assertEquals(hostile, n.get("uri").asText());
        assertEquals("agent\"\u0008\u000c", n.get("user_agent").asText());
        assertEquals(200, n.get("status").asInt());
        assertTrue(line.contains("\\u0000\\u001b[31m\\u007f"), line);
        for (char c : line.substring(0, line.length() - 1).toCharArray()) {
            assertTrue(c >= 0x20, "no raw control character in " + line);
        }
    }

    @Test
    void utf8BytesBecomeTheirCharactersAndOtherBytesEscapes() throws Exception {
        // As decoded off the wire, one char per byte: "café" in UTF-8, then a lone 0xFF (not UTF-8).
        JsonNode n = parsed(line(Entries.forwarded("/caf\u00c3\u00a9", null, "\u00ff\u00fe", "\u00e2\u0080\u00a8ok")));
        assertEquals("/café", n.get("uri").asText());
        assertEquals("\u00ff\u00fe", n.get("referer").asText(), "bytes that are not UTF-8 stay bytes, one escape each");
        assertEquals("\u2028ok", n.get("user_agent").asText());
        assertTrue(line(Entries.forwarded("/", null, "\u00ff", null)).contains("\"referer\":\"\\u00ff\""));
    }

    @Test
    void unreadableRequestLineHasNullMethodAndUri() throws Exception {
        JsonNode n = parsed(line(new AccessLogEntry(Entries.WHEN, "127.0.0.1", null, null, null, null, 408, 0, 157, 30_000_000_000L, -1,
                null, null, "static", "static", null, null, 0)));
        assertTrue(n.get("method").isNull() && n.get("uri").isNull() && n.get("protocol").isNull());
        assertEquals(30.0, n.get("request_time").asDouble());
        assertEquals(408, n.get("status").asInt());
    }

    @Test
    void unknownFormatNamesTheFlag() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> AccessLogFormat.named("xml"));
        assertEquals("--access-log-format must be combined or json, got 'xml'", e.getMessage());
    }
}
