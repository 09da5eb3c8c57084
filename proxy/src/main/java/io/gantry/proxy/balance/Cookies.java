package io.gantry.proxy.balance;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.util.List;

/** Reads one cookie's value from a request's {@code Cookie} fields (HTTP/2 clients may send several). */
final class Cookies {

    private Cookies() {
    }

    /** The value of the first cookie called {@code name}, or null. */
    static String value(HttpRequest request, String name) {
        List<String> fields = request.headers().getAll(HttpHeaderNames.COOKIE);
        for (String field : fields) {
            String v = value(field, name);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    static String value(String field, String name) {
        int i = 0;
        int n = field.length();
        while (i < n) {
            while (i < n && (field.charAt(i) == ' ' || field.charAt(i) == ';')) {
                i++;
            }
            int end = field.indexOf(';', i);
            end = end < 0 ? n : end;
            if (end - i > name.length() && field.charAt(i + name.length()) == '=' && field.startsWith(name, i)) {
                String v = field.substring(i + name.length() + 1, end).trim();
                return v.length() >= 2 && v.charAt(0) == '"' && v.charAt(v.length() - 1) == '"' ? v.substring(1, v.length() - 1) : v;
            }
            i = end + 1;
        }
        return null;
    }
}
