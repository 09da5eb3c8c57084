package io.gantry.proxy.forward.h1;

import io.gantry.proxy.forward.HopByHop;
import io.gantry.proxy.forward.IntermediaryRules;
import io.gantry.proxy.forward.ResponseHead;
import io.gantry.proxy.forward.ResponseHead.Framing;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ByteProcessor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Reads a backend connection's responses straight from its bytes, where a decoder would build header
 * objects that an encoder then writes out again. For each response it passes on a {@link ResponseHead}
 * (the head's end-to-end lines, copied as sent), then the body as slices of what was read (chunked
 * framing included, unless the client needs it removed, when its trailer fields come apart as
 * {@link Trailers}), then {@link #END}. Trailer lines are always read: a field that may not pass
 * ({@link IntermediaryRules#mayForwardTrailer}, or one the head's Connection names) is left out, one
 * that is not a field line fails the response. It is strict about what it
 * must understand to find a response's end (status line, header syntax, Content-Length,
 * Transfer-Encoding, chunk framing), so that the client, reading the same bytes, finds the same end; a
 * response it cannot frame fails as {@link Malformed}.
 */
final class ResponseReader extends ByteToMessageDecoder {

    /** Follows a response's last byte when nothing else came after it. */
    static final Object END = new Marker("END");
    /** Follows a response's last byte when the backend sent more than that response: never reuse the connection. */
    static final Object END_UNCLEAN = new Marker("END_UNCLEAN");

    /** A response this reader cannot frame safely. */
    static final class Malformed extends DecoderException {
        Malformed(String why) {
            super("malformed response: " + why);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this; // where the reader stopped says nothing more than the message
        }
    }

    private record Marker(String name) {
    }

    /** The trailer fields of a chunked body passed on without its framing; precedes {@link #END}. */
    record Trailers(HttpHeaders fields) {
    }

    private enum State { IDLE, HEAD, LENGTH, CHUNK_SIZE, CHUNK_DATA, CHUNK_DATA_END, TRAILER, CLOSE, TUNNEL, BROKEN }

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final int MAX_CHUNK_LINE = 4096;
    private static final int DROP = 1; // a line flag: leave the header line out
    private static final int OPTION_CLOSE = 1; // Connection header options, as readConnection returns them
    private static final int OPTION_KEEP_ALIVE = 2;
    private static final byte[] HTTP_11 = "HTTP/1.1 ".getBytes(StandardCharsets.US_ASCII);
    private static final short CRLF = (CR << 8) | LF;
    private static final boolean[] TOKEN = new boolean[256];
    private static final boolean[] TEXT = new boolean[256];

    static {
        for (int c = 0; c < 256; c++) {
            TOKEN[c] = c > ' ' && c < 127 && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0; // RFC 9110 tchar
            TEXT[c] = c == '\t' || (c >= ' ' && c != 127); // no control characters; obs-text is allowed
        }
    }

    private final int maxHeadSize;
    private State state = State.IDLE;
    private boolean headRequest;
    private boolean dechunk;
    private long remaining;
    private int trailerBytes;
    private HttpHeaders trailers;
    /** The trailer lines kept so far of a chunked body passed on with its framing, written out at its end. */
    private ByteBuf keptTrailerLines;
    /** The field names the head's Connection header lists (lower case), left out of the trailers too; null for none. */
    private List<String> connectionNamed;
    private byte[] head = new byte[1024];
    private int headLength;
    private int[] lines = new int[3 * 32]; // per line of a head: start, end (terminator excluded), flags
    private int[] connections = new int[4]; // per Connection header: where its value starts and ends

    /** @param maxHeadSize the largest response head (and trailer section) accepted, in bytes */
    ResponseReader(int maxHeadSize) {
        this.maxHeadSize = maxHeadSize;
    }

    /**
     * Arms the reader for the response to the request about to be sent.
     *
     * @param headRequest the request is a HEAD: the response has no body, whatever its head says
     * @param dechunk pass on only the data of a chunked body (for an HTTP/1.0 client)
     */
    void expect(boolean headRequest, boolean dechunk) {
        this.headRequest = headRequest;
        this.dechunk = dechunk;
        this.trailers = null;
        if (state != State.BROKEN) { // a connection that sent a malformed response is never read again
            state = State.HEAD;
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (state) {
            case HEAD -> readHead(ctx, in, out);
            case LENGTH -> {
                int n = (int) Math.min(remaining, in.readableBytes());
                out.add(in.readRetainedSlice(n));
                remaining -= n;
                if (remaining == 0) {
                    end(in, out);
                }
            }
            case CHUNK_SIZE, CHUNK_DATA, CHUNK_DATA_END, TRAILER -> readChunked(in, out);
            case BROKEN -> in.skipBytes(in.readableBytes());
            default -> out.add(in.readRetainedSlice(in.readableBytes())); // IDLE (unasked: the handler after closes), CLOSE, TUNNEL
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.isReadable()) {
            decode(ctx, in, out);
        }
        switch (state) {
            case CLOSE -> {
                state = State.IDLE;
                out.add(END);
            }
            case LENGTH, CHUNK_SIZE, CHUNK_DATA, CHUNK_DATA_END, TRAILER -> {
                state = State.BROKEN;
                throw new Malformed("the backend closed the connection before the body ended");
            }
            default -> { }
        }
    }

    private void end(ByteBuf in, List<Object> out) {
        state = State.IDLE;
        out.add(in.isReadable() ? END_UNCLEAN : END);
    }

    private Malformed malformed(String why) {
        state = State.BROKEN;
        releaseKeptTrailers();
        return new Malformed(why);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        releaseKeptTrailers();
    }

    private void releaseKeptTrailers() {
        if (keptTrailerLines != null) {
            keptTrailerLines.release();
            keptTrailerLines = null;
        }
    }

    // --- the head ---------------------------------------------------------------------------------

    private void readHead(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int readable = Math.min(in.readableBytes(), maxHeadSize);
        int count = scanHead(in, Math.min(readable, 1024)); // most heads fit; the body need not be copied
        if (count < 0 && readable > 1024) {
            count = scanHead(in, readable);
        }
        if (count < 0) {
            if (in.readableBytes() >= maxHeadSize) {
                throw malformed("head larger than " + maxHeadSize + " bytes");
            }
            return; // wait for the rest
        }
        byte[] b = head;
        connectionNamed = null;

        // Status line: HTTP-version SP 3DIGIT [SP reason], the version HTTP/1.x (RFC 9112 §2.3, §4)
        int s = lines[0];
        int e = lines[1];
        if (e - s < 12 || !IntermediaryRules.validVersion(b, s) || b[s + 5] != '1' || b[s + 8] != ' ' || !isDigit(b[s + 9])
                || !isDigit(b[s + 10]) || !isDigit(b[s + 11]) || (e - s > 12 && b[s + 12] != ' ') || !isText(b, s + 12, e)) {
            throw malformed("bad status line");
        }
        boolean http11 = b[s + 7] != '0';
        int status = (b[s + 9] - '0') * 100 + (b[s + 10] - '0') * 10 + (b[s + 11] - '0');
        if (!IntermediaryRules.validStatus(status)) {
            throw malformed("bad status code");
        }

        long contentLength = -1;
        boolean transferEncoding = false;
        boolean chunked = false;
        int connectionHeaders = 0;
        String upgrade = null;
        for (int i = 1; i < count; i++) {
            int ls = lines[3 * i];
            int le = lines[3 * i + 1];
            if (b[ls] == ' ' || b[ls] == '\t') {
                throw malformed("obsolete line folding");
            }
            int colon = ls;
            while (colon < le && TOKEN[b[colon] & 0xff]) {
                colon++;
            }
            if (colon == ls || colon == le || b[colon] != ':') {
                throw malformed("bad header name");
            }
            int vs = colon + 1;
            int ve = le;
            while (vs < ve && isSpace(b[vs])) {
                vs++;
            }
            while (ve > vs && isSpace(b[ve - 1])) {
                ve--;
            }
            if (!isText(b, vs, ve)) {
                throw malformed("control character in a header value");
            }
            // The fields read here are all hop-by-hop but Content-Length; any other asks the one table.
            boolean readHere = true;
            switch (colon - ls) {
                case 7 -> {
                    if (equalsIgnoreCase(b, ls, colon, "upgrade")) {
                        upgrade = new String(b, vs, ve - vs, StandardCharsets.ISO_8859_1);
                    } else {
                        readHere = false;
                    }
                }
                case 10 -> {
                    if (equalsIgnoreCase(b, ls, colon, "connection")) {
                        if (2 * connectionHeaders + 2 > connections.length) {
                            connections = Arrays.copyOf(connections, 2 * connections.length);
                        }
                        connections[2 * connectionHeaders] = vs;
                        connections[2 * connectionHeaders + 1] = ve;
                        connectionHeaders++;
                    } else {
                        readHere = false;
                    }
                }
                case 14 -> {
                    if (equalsIgnoreCase(b, ls, colon, "content-length")) {
                        long n = parseLength(b, vs, ve);
                        if (contentLength >= 0 && n != contentLength) {
                            throw malformed("conflicting Content-Length headers");
                        }
                        contentLength = n;
                    } else {
                        readHere = false;
                    }
                }
                case 17 -> {
                    if (equalsIgnoreCase(b, ls, colon, "transfer-encoding")) {
                        transferEncoding = true;
                        int last = ve;
                        while (last > vs && b[last - 1] != ',') {
                            last--;
                        }
                        while (last < ve && isSpace(b[last])) {
                            last++;
                        }
                        chunked = equalsIgnoreCase(b, last, ve, "chunked");
                    } else {
                        readHere = false;
                    }
                }
                default -> readHere = false;
            }
            drop(i, readHere ? colon - ls != 14 || !IntermediaryRules.mayCarryContentLength(status) : HopByHop.is(b, ls, colon));
        }
        int connectionFlags = connectionHeaders == 0 ? 0 : readConnection(b, count, connectionHeaders);
        boolean close = (connectionFlags & OPTION_CLOSE) != 0;

        boolean noBody = headRequest || status < 200 || status == 204 || status == 304;
        Framing framing;
        if (noBody) {
            framing = Framing.NONE;
        } else if (transferEncoding) {
            if (!chunked) {
                throw malformed("a Transfer-Encoding that does not end in chunked");
            }
            if (!http11) {
                throw malformed("Transfer-Encoding in an HTTP/1.0 response"); // RFC 9112 §6.1: its framing is faulty
            }
            if (contentLength >= 0) {
                throw malformed("both Content-Length and Transfer-Encoding");
            }
            framing = Framing.CHUNKED;
        } else {
            framing = contentLength >= 0 ? Framing.LENGTH : Framing.CLOSE;
        }
        boolean keepAlive = !close && (http11 || (connectionFlags & OPTION_KEEP_ALIVE) != 0) && framing != Framing.CLOSE;

        ByteBuf kept = ctx.alloc().buffer(headLength + 64);
        kept.writeBytes(HTTP_11);
        kept.writeBytes(b, s + 9, e - s - 9);
        kept.writeShort(CRLF);
        for (int i = 1; i < count; i++) {
            if (lines[3 * i + 2] != DROP) {
                kept.writeBytes(b, lines[3 * i], lines[3 * i + 1] - lines[3 * i]);
                kept.writeShort(CRLF);
            }
        }
        in.skipBytes(headLength);
        out.add(new ResponseHead(status, keepAlive, framing, upgrade, kept, framing == Framing.CHUNKED && !dechunk));

        if (status == 101) {
            state = State.TUNNEL;
        } else if (status < 200) {
            state = State.HEAD; // the final response follows
        } else {
            switch (framing) {
                case NONE -> end(in, out);
                case LENGTH -> {
                    remaining = contentLength;
                    if (remaining == 0) {
                        end(in, out);
                    } else {
                        state = State.LENGTH;
                    }
                }
                case CHUNKED -> {
                    trailerBytes = 0;
                    state = State.CHUNK_SIZE;
                }
                case CLOSE -> state = State.CLOSE;
            }
        }
    }

    /**
     * Copies the first {@code n} readable bytes into {@link #head} and looks there for a complete head:
     * records where each of its lines starts and ends and its length ({@link #headLength}), and returns how
     * many lines it has; -1 when its blank line is not among those bytes.
     */
    private int scanHead(ByteBuf in, int n) {
        if (head.length < n) {
            head = new byte[Math.max(n, 2 * head.length)];
        }
        byte[] b = head;
        in.getBytes(in.readerIndex(), b, 0, n);
        int count = 0;
        int start = 0;
        for (int i = 0; i < n; i++) {
            if (b[i] != LF) {
                continue;
            }
            int end = i > start && b[i - 1] == CR ? i - 1 : i;
            if (end == start) {
                if (count == 0) {
                    throw malformed("empty status line");
                }
                headLength = i + 1;
                return count;
            }
            if (3 * count + 3 > lines.length) {
                lines = Arrays.copyOf(lines, 2 * lines.length);
            }
            lines[3 * count] = start;
            lines[3 * count + 1] = end;
            lines[3 * count + 2] = 0;
            count++;
            start = i + 1;
        }
        return -1;
    }

    private void drop(int line, boolean drop) {
        if (drop) {
            lines[3 * line + 2] = DROP;
        }
    }

    /**
     * Reads the Connection headers' options: close and keep-alive are returned as flags; any other names
     * a header this hop must drop (RFC 9110 §7.6.1).
     */
    private int readConnection(byte[] b, int count, int connectionHeaders) {
        int flags = 0;
        for (int c = 0; c < connectionHeaders; c++) {
            int ve = connections[2 * c + 1];
            for (int t = connections[2 * c]; t < ve; ) {
                int comma = t;
                while (comma < ve && b[comma] != ',') {
                    comma++;
                }
                int ts = t;
                int te = comma;
                while (ts < te && isSpace(b[ts])) {
                    ts++;
                }
                while (te > ts && isSpace(b[te - 1])) {
                    te--;
                }
                if (equalsIgnoreCase(b, ts, te, "close")) {
                    flags |= OPTION_CLOSE;
                } else if (equalsIgnoreCase(b, ts, te, "keep-alive")) {
                    flags |= OPTION_KEEP_ALIVE;
                } else if (te > ts && !equalsIgnoreCase(b, ts, te, "content-length")) {
                    if (connectionNamed == null) {
                        connectionNamed = new ArrayList<>(2);
                    }
                    connectionNamed.add(new String(b, ts, te - ts, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT));
                    for (int i = 1; i < count; i++) {
                        int hs = lines[3 * i];
                        int nameEnd = hs + (te - ts);
                        if (nameEnd < lines[3 * i + 1] && b[nameEnd] == ':' && regionEqualsIgnoreCase(b, hs, ts, te - ts)) {
                            lines[3 * i + 2] = DROP;
                        }
                    }
                }
                t = comma + 1;
            }
        }
        return flags;
    }

    // --- chunked bodies ---------------------------------------------------------------------------

    private void readChunked(ByteBuf in, List<Object> out) {
        int passFrom = in.readerIndex();
        boolean finished = false;
        boolean waiting = false;
        while (!waiting && !finished && in.isReadable()) {
            int r = in.readerIndex();
            switch (state) {
                case CHUNK_SIZE -> {
                    int eol = lineEnd(in, MAX_CHUNK_LINE, "chunk size line");
                    if (eol < 0) {
                        waiting = true;
                    } else {
                        remaining = chunkSize(in, r, eol);
                        in.readerIndex(eol + 2);
                        state = remaining == 0 ? State.TRAILER : State.CHUNK_DATA;
                    }
                }
                case CHUNK_DATA -> {
                    int n = (int) Math.min(remaining, in.readableBytes());
                    if (dechunk) {
                        out.add(in.readRetainedSlice(n));
                    } else {
                        in.skipBytes(n);
                    }
                    remaining -= n;
                    if (remaining == 0) {
                        state = State.CHUNK_DATA_END;
                    }
                }
                case CHUNK_DATA_END -> {
                    if (in.readableBytes() < 2) {
                        waiting = true;
                    } else if (in.getShort(r) != CRLF) {
                        throw malformed("chunk data not followed by CRLF");
                    } else {
                        in.skipBytes(2);
                        state = State.CHUNK_SIZE;
                    }
                }
                default -> { // TRAILER: each line read here, not passed on as it came
                    if (!dechunk && r > passFrom) {
                        out.add(in.retainedSlice(passFrom, r - passFrom)); // the body up to its last chunk
                    }
                    int eol = lineEnd(in, maxHeadSize, "trailer line");
                    if (eol < 0) {
                        waiting = true;
                        passFrom = r;
                    } else {
                        trailerBytes += eol + 2 - r;
                        if (trailerBytes > maxHeadSize) {
                            throw malformed("trailers larger than " + maxHeadSize + " bytes");
                        }
                        finished = eol == r;
                        if (!finished) {
                            keepTrailer(in, r, eol);
                        }
                        in.readerIndex(eol + 2);
                        passFrom = eol + 2;
                    }
                }
            }
        }
        if (!dechunk && in.readerIndex() > passFrom) {
            out.add(in.retainedSlice(passFrom, in.readerIndex() - passFrom));
        }
        if (finished) {
            if (trailers != null) {
                out.add(new Trailers(trailers));
                trailers = null;
            }
            if (!dechunk) {
                ByteBuf section = keptTrailerLines != null ? keptTrailerLines : in.alloc().buffer(2);
                keptTrailerLines = null;
                out.add(section.writeShort(CRLF));
            }
            end(in, out);
        }
    }

    /**
     * Reads one trailer line: a field line like a head's (RFC 9112 §5, §7.1.2), or the response fails.
     * A field that frames, routes or describes one connection, or that the head's Connection names,
     * is left out (RFC 9110 §6.5.1, §7.6.1); the others are kept, as fields for a client that takes
     * them apart (HTTP/2, or an HTTP/1.0 client that gets none), else as the line itself.
     */
    private void keepTrailer(ByteBuf in, int from, int to) {
        if (!isText(in, from, to)) {
            throw malformed("control character in a trailer line");
        }
        String line = in.toString(from, to - from, StandardCharsets.ISO_8859_1);
        int colon = line.indexOf(':');
        if (colon <= 0) {
            throw malformed(isSpace((byte) line.charAt(0)) ? "obsolete line folding in the trailers" : "bad trailer line");
        }
        String name = line.substring(0, colon);
        for (int i = 0; i < name.length(); i++) {
            if (!TOKEN[name.charAt(i) & 0xff]) {
                throw malformed("bad trailer name");
            }
        }
        if (!IntermediaryRules.mayForwardTrailer(name)
                || (connectionNamed != null && connectionNamed.contains(name.toLowerCase(Locale.ROOT)))) {
            return;
        }
        if (!dechunk) {
            if (keptTrailerLines == null) {
                keptTrailerLines = in.alloc().buffer(to - from + 4);
            }
            keptTrailerLines.writeBytes(in, from, to - from).writeShort(CRLF);
            return;
        }
        if (trailers == null) {
            trailers = new DefaultHttpHeaders(false);
        }
        trailers.add(name, line.substring(colon + 1).strip());
    }

    /** The index of the CR of the next CRLF, -1 when it has not arrived yet. */
    private int lineEnd(ByteBuf in, int max, String what) {
        int r = in.readerIndex();
        int len = Math.min(in.readableBytes(), max + 2);
        int lf = in.forEachByte(r, len, ByteProcessor.FIND_LF);
        if (lf < 0) {
            if (in.readableBytes() > max + 1) {
                throw malformed(what + " longer than " + max + " bytes");
            }
            return -1;
        }
        if (lf == r || in.getByte(lf - 1) != CR) {
            throw malformed(what + " not ended by CRLF");
        }
        return lf - 1;
    }

    /** The size a chunk size line gives: 1-15 hex digits, then nothing or an extension. */
    private long chunkSize(ByteBuf in, int from, int to) {
        long size = 0;
        int i = from;
        while (i < to && Character.digit(in.getByte(i), 16) >= 0) {
            if (i - from == 15) {
                throw malformed("chunk size too large");
            }
            size = size * 16 + Character.digit(in.getByte(i), 16);
            i++;
        }
        if (i == from) {
            throw malformed("bad chunk size");
        }
        while (i < to && isSpace(in.getByte(i))) {
            i++;
        }
        if (i < to && (in.getByte(i) != ';' || !isText(in, i, to))) { // an extension: not read, but no CR, LF or NUL
            throw malformed("bad chunk extension");
        }
        return size;
    }

    // --- bytes ------------------------------------------------------------------------------------

    private long parseLength(byte[] b, int from, int to) {
        if (to == from || to - from > 18) {
            throw malformed("bad Content-Length");
        }
        long n = 0;
        for (int i = from; i < to; i++) {
            if (!isDigit(b[i])) {
                throw malformed("bad Content-Length");
            }
            n = n * 10 + (b[i] - '0');
        }
        return n;
    }

    private static boolean equalsIgnoreCase(byte[] b, int from, int to, String lower) {
        if (to - from != lower.length()) {
            return false;
        }
        for (int i = 0; i < lower.length(); i++) {
            if (toLower(b[from + i]) != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean regionEqualsIgnoreCase(byte[] b, int x, int y, int length) {
        for (int i = 0; i < length; i++) {
            if (toLower(b[x + i]) != toLower(b[y + i])) {
                return false;
            }
        }
        return true;
    }

    private static int toLower(byte b) {
        return b >= 'A' && b <= 'Z' ? b + 32 : b;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t';
    }

    private static boolean isText(ByteBuf in, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!TEXT[in.getByte(i) & 0xff]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isText(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!TEXT[b[i] & 0xff]) {
                return false;
            }
        }
        return true;
    }
}
