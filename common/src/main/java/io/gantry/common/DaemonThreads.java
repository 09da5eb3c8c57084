package io.gantry.common;

import java.util.concurrent.ThreadFactory;

/** Threads that never keep the JVM alive: the process ends when its main work does. */
public final class DaemonThreads {

    private DaemonThreads() {
    }

    /** Makes daemon threads called {@code name}. */
    public static ThreadFactory named(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
