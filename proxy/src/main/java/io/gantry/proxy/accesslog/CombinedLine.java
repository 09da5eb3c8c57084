package io.gantry.proxy.accesslog;

import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * nginx's {@code combined} format, byte for byte as nginx 1.22 writes it:
 * {@code $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"}.
 * A missing value is {@code -}; in the strings, {@code "}, {@code \}, control characters and every byte
 * beyond ASCII are written {@code \xHH}, as nginx escapes them, so a hostile request cannot forge a line.
 */
final class CombinedLine implements LineFormatter {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private final SecondClock clock;

    CombinedLine(ZoneId zone) {
        this.clock = new SecondClock(DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(zone));
    }

    @Override
    public void append(AccessLogEntry e, StringBuilder out) {
        escaped(out, e.client()).append(" - ");
        String user = BasicUser.of(e.authorization());
        if (user == null) {
            out.append('-');
        } else {
            escaped(out, user);
        }
        out.append(" [").append(clock.format(e.endMillis())).append("] \"");
        if (e.method() == null) {
            out.append('-');
        } else {
            escaped(out, e.method()).append(' ');
            escaped(out, e.uri()).append(' ');
            escaped(out, e.protocol());
        }
        out.append("\" ").append(e.status()).append(' ').append(e.bytesSent()).append(" \"");
        escapedOrDash(out, e.referer()).append("\" \"");
        escapedOrDash(out, e.userAgent()).append("\"\n");
    }

    private static StringBuilder escapedOrDash(StringBuilder out, String s) {
        return s == null ? out.append('-') : escaped(out, s);
    }

    /** {@code s} (one char per byte, as the request decoder reads them) with nginx's escapes. */
    static StringBuilder escaped(StringBuilder out, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                out.append(c);
            } else if (c <= 0xff) {
                hex(out, c);
            } else { // not from the wire; written as its UTF-8 bytes, each escaped
                for (byte b : String.valueOf(c).getBytes(StandardCharsets.UTF_8)) {
                    hex(out, b & 0xff);
                }
            }
        }
        return out;
    }

    private static void hex(StringBuilder out, int b) {
        out.append('\\').append('x').append(HEX[b >> 4]).append(HEX[b & 0xf]);
    }
}
