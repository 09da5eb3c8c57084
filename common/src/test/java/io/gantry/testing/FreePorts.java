package io.gantry.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free TCP ports on a loopback address, for servers a test starts. */
public final class FreePorts {

    private FreePorts() {
    }

    /** A port nothing listens on at 127.0.0.1 right now. */
    public static int pick() {
        return pick("127.0.0.1");
    }

    /** A port nothing listens on at {@code host} right now. */
    public static int pick(String host) {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
