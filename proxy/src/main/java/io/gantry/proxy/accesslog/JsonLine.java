package io.gantry.proxy.accesslog;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * One JSON object a line. Times are seconds with microseconds ({@code 0.000412}), absent values are
 * null. Strings arrive one char per byte, as the request decoder reads them: bytes that form UTF-8 are
 * written as the characters they encode, any other byte beyond ASCII as <code>&#92;u00XX</code>, so a line is
 * always valid UTF-8 JSON whatever a client sent; quotes, backslashes and control characters are escaped.
 */
final class JsonLine implements LineFormatter {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final SecondClock seconds;
    private final SecondClock offset;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

    JsonLine(ZoneId zone) {
        this.seconds = new SecondClock(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(zone));
        this.offset = new SecondClock(DateTimeFormatter.ofPattern("xxx").withZone(zone));
    }

    @Override
    public void append(AccessLogEntry e, StringBuilder out) {
        long ms = Math.floorMod(e.endMillis(), 1000L);
        out.append("{\"time\":\"").append(seconds.format(e.endMillis())).append('.')
                .append((char) ('0' + ms / 100)).append((char) ('0' + ms / 10 % 10)).append((char) ('0' + ms % 10))
                .append(offset.format(e.endMillis())).append('"');
        field(out, "client", e.client());
        field(out, "user", BasicUser.of(e.authorization()));
        field(out, "method", e.method());
        field(out, "uri", e.uri());
        field(out, "protocol", e.protocol());
        out.append(",\"status\":").append(e.status());
        out.append(",\"bytes_received\":").append(e.bytesReceived());
        out.append(",\"bytes_sent\":").append(e.bytesSent());
        seconds(out.append(",\"request_time\":"), e.requestNanos());
        seconds(out.append(",\"backend_time\":"), e.backendNanos());
        field(out, "route", e.route());
        field(out, "service", e.service());
        field(out, "backend", e.backend() == null ? "-" : e.backend().toString());
        field(out, "tls", e.tls());
        out.append(",\"retries\":").append(e.retries());
        field(out, "referer", e.referer());
        field(out, "user_agent", e.userAgent());
        out.append("}\n");
    }

    private void field(StringBuilder out, String name, String value) {
        out.append(",\"").append(name).append("\":");
        if (value == null) {
            out.append("null");
        } else {
            string(out, value);
        }
    }

    /** Nanoseconds as seconds with six decimals, or null when negative (not measured). */
    private static void seconds(StringBuilder out, long nanos) {
        if (nanos < 0) {
            out.append("null");
            return;
        }
        long micros = nanos / 1000;
        out.append(micros / 1_000_000).append('.');
        String frac = Long.toString(micros % 1_000_000);
        for (int i = frac.length(); i < 6; i++) {
            out.append('0');
        }
        out.append(frac);
    }

    /** {@code s} as a JSON string. */
    void string(StringBuilder out, String s) {
        out.append('"');
        String text = s;
        boolean bytes = true; // whether the chars still stand for bytes beyond ASCII
        if (!isAscii(s)) {
            String decoded = asUtf8(s);
            if (decoded != null) {
                text = decoded;
                bytes = false;
            }
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || (c >= 0x7f && c < 0xa0) || (bytes && c > 0x7f)) {
                        out.append("\\u00").append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** The characters {@code s}'s bytes encode in UTF-8, or null when they are not UTF-8 (or not bytes). */
    private String asUtf8(String s) {
        byte[] raw = new byte[s.length()];
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > 0xff) {
                return s; // already characters, not bytes (not from the wire)
            }
            raw[i] = (byte) c;
        }
        try {
            CharBuffer chars = utf8.reset().decode(ByteBuffer.wrap(raw));
            return chars.toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
