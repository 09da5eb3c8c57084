package io.gantry.common;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/** Turning an exception into what a person needs to read in a log line. */
public final class Errors {

    private static final String STATUS_CODE = "(?:" + String.join("|",
            java.util.Arrays.stream(io.grpc.Status.Code.values()).map(Enum::name).toList()) + ")";
    /** A gRPC status that says nothing by itself ({@code UNAUTHENTICATED}, {@code UNAVAILABLE: io exception}). */
    private static final Pattern BARE_STATUS = Pattern.compile(STATUS_CODE + "(: io exception)?");
    /** The gRPC code before a server's own words ({@code INVALID_ARGUMENT: etcdserver: ...}). */
    private static final Pattern STATUS_PREFIX = Pattern.compile("^" + STATUS_CODE + ": (?=\\S)");

    private Errors() {
    }

    /**
     * The innermost useful message, on one line: wrappers (ExecutionException, CompletionException),
     * empty messages and bare gRPC statuses are skipped for their cause; a TLS failure says why the
     * handshake failed.
     */
    public static String describe(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null
                && (t.getMessage() == null || t instanceof ExecutionException || t instanceof CompletionException
                        || BARE_STATUS.matcher(firstLine(t.getMessage())).matches())) {
            t = t.getCause();
        }
        if (t instanceof SSLException) {
            return "TLS handshake failed: " + firstLine(innermost(t).getMessage());
        }
        String message = t.getMessage() == null || t.getMessage().isBlank() ? t.getClass().getSimpleName() : firstLine(t.getMessage());
        return BARE_STATUS.matcher(message).matches() ? message : STATUS_PREFIX.matcher(message).replaceFirst("");
    }

    private static Throwable innermost(Throwable t) {
        Throwable inner = t;
        while (inner.getCause() != null && inner.getCause().getMessage() != null) {
            inner = inner.getCause();
        }
        return inner;
    }

    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
