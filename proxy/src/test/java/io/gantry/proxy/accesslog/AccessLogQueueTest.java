package io.gantry.proxy.accesslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.testing.Poll;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/** The queue between the event loops and the writer: bounded, never blocking, counting what it drops. */
class AccessLogQueueTest {

    /** A file that blocks its writer until released, as a full or stalled disk would. */
    private static final class StalledFile extends OutputStream {
        final CountDownLatch writing = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final ByteArrayOutputStream written = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            writing.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (this) {
                written.write(b, off, len);
            }
        }

        synchronized String text() {
            return written.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void fullQueueDropsAndCountsWithoutBlocking() throws Exception {
        StalledFile file = new StalledFile();
        LongAdder dropped = new LongAdder();
        AccessLog log = AccessLog.start(null, file, AccessLogFormat.COMBINED, 4, dropped, ZoneOffset.UTC);
        try {
            log.log(Entries.forwarded("/first", null, null, null));
            assertTrue(file.writing.await(10, TimeUnit.SECONDS), "the writer is stuck writing the first line");
            assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
                for (int i = 0; i < 10_000; i++) {
                    log.log(Entries.forwarded("/next", null, null, null));
                }
            }, "logging never waits for the writer");
            assertEquals(10_000 - 4, dropped.sum(), "all but the queue's 4 dropped and counted");
        } finally {
            file.release.countDown();
            log.close();
        }
        String text = file.text();
        assertEquals(1 + 4, text.lines().count(), text);
        assertTrue(text.startsWith("127.0.0.1 - - ") && text.contains("\"GET /first HTTP/1.1\""), text);
    }

    @Test
    void linesReachTheFileWithoutWaitingForMore() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LongAdder dropped = new LongAdder();
        AccessLog log = AccessLog.start(null, out, AccessLogFormat.JSON, 16, dropped, ZoneOffset.UTC);
        try {
            log.log(Entries.answeredByProxy());
            Poll.until(Duration.ofSeconds(5), "the line flushed", () -> out.toString(StandardCharsets.UTF_8).endsWith("}\n"));
            assertEquals(0, dropped.sum());
        } finally {
            log.close();
        }
    }
}
