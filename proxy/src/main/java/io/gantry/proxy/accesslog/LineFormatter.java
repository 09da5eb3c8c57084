package io.gantry.proxy.accesslog;

/** Turns an entry into one line; an instance belongs to one thread (it keeps caches and buffers). */
interface LineFormatter {

    /** Appends {@code e}'s line to {@code out}, its newline included. */
    void append(AccessLogEntry e, StringBuilder out);
}
