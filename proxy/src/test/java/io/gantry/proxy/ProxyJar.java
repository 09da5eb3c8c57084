package io.gantry.proxy;

import io.gantry.testing.ChildProcess;
import io.gantry.testing.Poll;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** proxy.jar as a user runs it, in a child process, for tests of what only a process shows (logs, signals, exit codes). */
final class ProxyJar {

    private ProxyJar() {
    }

    /** Starts {@code java [jvmArgs] -jar proxy.jar args}, its output in {@code log}. */
    static ChildProcess start(List<String> jvmArgs, List<String> args, Path log) {
        return ChildProcess.jar("proxy", Path.of(System.getProperty("gantry.proxy.jar", "target/proxy.jar")), jvmArgs, args, log);
    }

    /** Whether something accepts connections on 127.0.0.1:{@code port}. */
    static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits until the proxy listens on {@code port}; fails at once, with its output, if it exits. */
    static void awaitListening(ChildProcess proxy, int port) {
        Poll.until(Duration.ofSeconds(20), "proxy listening on " + port, () -> {
            if (!proxy.isAlive()) {
                throw new AssertionError("proxy exited: " + proxy.output());
            }
            return accepts(port);
        });
    }
}
