package io.gantry.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.testing.ChildProcess;
import io.gantry.testing.DockerExtension;
import io.gantry.testing.FreePorts;
import io.gantry.testing.Poll;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user's story: {@code bin/demo}, then a browser. Pages come from several nginx containers; one
 * container stopped, the browser keeps getting pages from the others; the demo stopped, nothing of it
 * is left: no process, no container.
 */
class DemoIT {

    private static final Pattern BACKEND = Pattern.compile("Welcome to (nginx\\d)");

    @RegisterExtension
    static final DockerExtension docker = new DockerExtension();

    @TempDir
    Path dir;

    private ChildProcess demo;

    @AfterEach
    void stop() {
        if (demo != null && demo.isAlive()) {
            demo.process().destroy();
            try {
                demo.waitFor(Duration.ofSeconds(60));
            } catch (AssertionError e) {
                demo.kill();
            }
        }
    }

    private static String backend(String dom) {
        Matcher m = BACKEND.matcher(dom);
        if (!m.find()) {
            throw new AssertionError("not a page from an nginx container:\n" + dom);
        }
        return m.group(1);
    }

    /** Starts bin/demo on a free port with {@code environment} and waits until it says it is up. */
    private String startDemo(Map<String, String> environment) {
        int port = FreePorts.pick();
        Path root = DockerExtension.projectRoot();
        demo = ChildProcess.start("demo", List.of(root.resolve("bin/demo").toString(), "--listen", "127.0.0.1:" + port),
                dir.resolve("demo.log"), environment);
        Poll.until(Duration.ofMinutes(4), "bin/demo saying it is up", () -> {
            if (!demo.isAlive()) {
                throw new AssertionError("bin/demo exited:\n" + demo.output());
            }
            return demo.output().contains("Gantry is up");
        });
        return "http://127.0.0.1:" + port + "/";
    }

    /** SIGTERM, as Ctrl-C's cousin: the demo exits and nothing it started is left running. */
    private void stopDemoAndCheckNothingIsLeft(List<ProcessHandle> started) {
        demo.process().destroy();
        assertEquals(143, demo.waitFor(Duration.ofSeconds(90)), "bin/demo stops on SIGTERM:\n" + demo.output());
        assertTrue(demo.output().contains("demo: stopped; nothing left running."), demo.output());
        List<ProcessHandle> left = started.stream().filter(ProcessHandle::isAlive).toList();
        assertEquals(List.of(), left.stream().map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList(),
                "processes the demo started, still running");
    }

    @Test
    void withoutADockerEngineTheDemoSaysSoInOneLineAndServesPlainNginx() throws Exception {
        String url = startDemo(Map.of("DOCKER_HOST", "unix://" + dir.resolve("no-docker.sock")));
        assertTrue(demo.output().contains("demo: no Docker engine answers (docker info failed); running the backends as plain nginx processes instead"),
                demo.output());
        List<ProcessHandle> started = demo.process().descendants().toList();
        String page = new Chromium(dir).dom(url);
        assertTrue(page.contains("Hello from nginx@"), page);
        stopDemoAndCheckNothingIsLeft(started);
    }

    @Test
    void aBrowserSeesSeveralBackendsKeepsGettingPagesWhenOneStopsAndNothingIsLeftAfter() throws Exception {
        String url = startDemo(Map.of());
        assertTrue(demo.output().contains("Unit proxy.service launched on demo-m1/127.0.0.11"), demo.output());
        List<ProcessHandle> started = demo.process().descendants().toList();

        Chromium browser = new Chromium(dir);
        Set<String> seen = new TreeSet<>();
        for (int i = 0; i < 6; i++) {
            seen.add(backend(browser.dom(url)));
        }
        assertTrue(seen.size() >= 2, "pages from at least two backends, saw " + seen);
        Path png = Path.of(System.getProperty("gantry.e2e.output", "target")).resolve("demo.png");
        browser.screenshot(url, png);

        docker.call("stop", "nginx2");
        List<String> after = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            after.add(backend(browser.dom(url))); // fails the test for any load that is not a backend's page
        }
        System.out.println("demo: pages from " + seen + "; after docker stop nginx2: " + after);

        stopDemoAndCheckNothingIsLeft(started);
        for (String m : List.of("demo-m1", "demo-m2", "demo-m3")) {
            assertEquals("", docker.call("ps", "-a", "--quiet", "--filter", "label=gantry.machine=" + m).strip(),
                    "containers of machine " + m);
        }
    }
}
