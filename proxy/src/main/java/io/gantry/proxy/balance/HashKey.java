package io.gantry.proxy.balance;

import io.netty.handler.codec.http.HttpRequest;
import java.util.Locale;

/**
 * What a {@code hash} policy hashes: a request header's value, a cookie's value, or the client's
 * address; written {@code header:X-User}, {@code cookie:session} or {@code client_address}.
 */
public record HashKey(Source source, String name) {

    /** Where the key comes from. */
    public enum Source { HEADER, COOKIE, CLIENT_ADDRESS }

    /** The client's address. */
    public static final HashKey CLIENT = new HashKey(Source.CLIENT_ADDRESS, null);

    /**
     * Reads {@code header:NAME}, {@code cookie:NAME} or {@code client_address}.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static HashKey parse(String text) {
        if (text.equals("client_address")) {
            return CLIENT;
        }
        int colon = text.indexOf(':');
        String kind = colon < 0 ? text : text.substring(0, colon);
        String name = colon < 0 ? "" : text.substring(colon + 1).trim();
        if ((kind.equals("header") || kind.equals("cookie")) && isToken(name)) {
            return new HashKey(kind.equals("header") ? Source.HEADER : Source.COOKIE,
                    kind.equals("header") ? name.toLowerCase(Locale.ROOT) : name);
        }
        throw new IllegalArgumentException("\"hash_on\": \"" + text + "\" is not header:NAME, cookie:NAME or client_address");
    }

    /** The 64-bit hash of this key in {@code request}, or 0 when the request has none. */
    long hash(HttpRequest request, String clientAddress) {
        return switch (source) {
            case CLIENT_ADDRESS -> Hashing.hash(clientAddress, 0, clientAddress.length());
            case HEADER -> {
                String v = request.headers().get(name);
                yield v == null ? 0 : Hashing.hash(v, 0, v.length());
            }
            case COOKIE -> {
                String v = Cookies.value(request, name);
                yield v == null ? 0 : Hashing.hash(v, 0, v.length());
            }
        };
    }

    @Override
    public String toString() {
        return source == Source.CLIENT_ADDRESS ? "client_address" : source.name().toLowerCase(Locale.ROOT) + ":" + name;
    }

    /** Whether {@code s} is an RFC 9110 token, as header and cookie names are. */
    static boolean isToken(String s) {
        return !s.isEmpty() && s.chars().allMatch(c -> c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0);
    }
}
