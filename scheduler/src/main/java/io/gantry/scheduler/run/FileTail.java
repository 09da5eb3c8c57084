package io.gantry.scheduler.run;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/** {@code tail -n N [-f]} of a unit's log file: the last lines, then (following) what is appended, polled every 250 ms. */
final class FileTail {

    private static final long POLL_MS = 250;

    private final Path file;

    FileTail(Path file) {
        this.file = file;
    }

    void copy(int lines, boolean follow, Driver.LineSink sink) throws IOException {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            Deque<String> last = new ArrayDeque<>();
            String line;
            while ((line = readLine(in)) != null) {
                last.addLast(line);
                if (last.size() > lines) {
                    last.removeFirst();
                }
            }
            for (String l : last) {
                sink.line(l);
            }
            while (follow && !Thread.currentThread().isInterrupted()) {
                line = readLine(in);
                if (line != null) {
                    sink.line(line);
                    continue;
                }
                sink.line(null); // a keep-alive: throws once the reader went away
                try {
                    Thread.sleep(POLL_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** The next whole line (its bytes as UTF-8), or null at the end; a line not ended yet is left for later. */
    private static String readLine(RandomAccessFile in) throws IOException {
        long start = in.getFilePointer();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                return bytes.toString(StandardCharsets.UTF_8);
            }
            bytes.write(b);
        }
        in.seek(start);
        return null;
    }
}
