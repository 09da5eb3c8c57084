package io.gantry.proxy.forward;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Date;

/** The short pages the proxy answers with itself when it cannot forward (502, 503, 504, 400). */
public final class ErrorPages {

    private ErrorPages() {
    }

    /** A complete response for {@code status} saying {@code why} in one sentence. */
    public static FullHttpResponse page(HttpResponseStatus status, String why, boolean close) {
        String html = "<html><head><title>" + status + "</title></head><body><h1>" + status
                + "</h1><p>" + escape(why) + "</p><hr><p>gantry</p></body></html>\n";
        ByteBuf body = Unpooled.copiedBuffer(html, StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        // RFC 9110 §6.6.1: the proxy is the origin of its own answers, and it has a clock
        r.headers().set(HttpHeaderNames.DATE, DateFormatter.format(new Date()));
        if (close) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return r;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
