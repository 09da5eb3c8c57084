package io.gantry.common;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Turning an exception into what a person needs to read in a log line. */
public final class Errors {

    private Errors() {
    }

    /** The innermost useful message: wrappers (ExecutionException, CompletionException) and empty messages are skipped. */
    public static String describe(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null
                && (t.getMessage() == null || t instanceof ExecutionException || t instanceof CompletionException)) {
            t = t.getCause();
        }
        return t.getMessage() == null || t.getMessage().isBlank() ? t.getClass().getSimpleName() : t.getMessage();
    }
}
