package io.gantry.proxy.accesslog;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** nginx's {@code $remote_user}: the user name of a Basic Authorization header, whether or not anything checks it. */
final class BasicUser {

    private BasicUser() {
    }

    /** The user name in {@code authorization} (one char per byte), or null when there is none or it is not Basic. */
    static String of(String authorization) {
        if (authorization == null || authorization.length() < 6 || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(authorization.substring(6).trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
        String pair = new String(decoded, StandardCharsets.ISO_8859_1);
        int colon = pair.indexOf(':');
        return colon < 0 ? null : pair.substring(0, colon);
    }
}
