package io.gantry.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Headless Chromium, one fresh browser (and profile) per page load, so every load is a new client
 * with new connections, as a user pressing reload in a new window.
 */
final class Chromium {

    private final Path work;
    private int runs;

    Chromium(Path work) {
        this.work = work;
    }

    /** The page's DOM after it loaded, as Chromium serialises it. */
    String dom(String url) throws Exception {
        return run(List.of("--dump-dom", url));
    }

    /** Saves a screenshot of {@code url} to {@code png}. */
    void screenshot(String url, Path png) throws Exception {
        run(List.of("--window-size=1024,640", "--screenshot=" + png.toAbsolutePath(), url));
        if (!Files.isRegularFile(png) || Files.size(png) == 0) {
            throw new AssertionError("chromium wrote no screenshot to " + png);
        }
    }

    private String run(List<String> args) throws Exception {
        int n = ++runs;
        Path profile = Files.createDirectories(work.resolve("profile-" + n));
        Path out = work.resolve("out-" + n + ".html");
        Path err = work.resolve("err-" + n + ".log");
        List<String> cmd = new ArrayList<>(List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--user-data-dir=" + profile));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("chromium did not finish within 60 s: " + tail(err));
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("chromium exited " + p.exitValue() + ": " + tail(err));
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    private static String tail(Path log) throws IOException {
        String s = Files.exists(log) ? Files.readString(log) : "";
        return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
    }
}
