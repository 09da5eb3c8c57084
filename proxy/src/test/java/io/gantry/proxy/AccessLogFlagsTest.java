package io.gantry.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.common.HostPort;
import io.gantry.proxy.accesslog.AccessLogFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The access log's flags and their config-file forms: a bad value is one line naming the flag, before anything starts. */
@Timeout(30) // a proxy that started anyway would wait for a signal
class AccessLogFlagsTest {

    @Test
    void unknownFormatNamesTheFlag() {
        String err = ProxyFlags.refused("--listen", ProxyFlags.loopbackPort(), "--backend", "127.0.0.1:1", "--access-log", "-", "--access-log-format", "apache");
        assertEquals("proxy: --access-log-format must be combined or json, got 'apache'\n", err);
    }

    @Test
    void formatWithoutALogNamesWhatIsMissing() {
        String err = ProxyFlags.refused("--listen", ProxyFlags.loopbackPort(), "--backend", "127.0.0.1:1", "--access-log-format", "json");
        assertEquals("proxy: --access-log-format and --access-log-buffer need --access-log FILE|-\n", err);
    }

    @Test
    void bufferMustBePositive() {
        String err = ProxyFlags.refused("--listen", ProxyFlags.loopbackPort(), "--backend", "127.0.0.1:1", "--access-log", "-", "--access-log-buffer", "0");
        assertEquals("proxy: --access-log-buffer must be at least 1, got 0\n", err);
    }

    @Test
    void aFileThatCannotBeOpenedStopsTheStartNamingTheFlag(@TempDir Path dir) {
        Path file = dir.resolve("no/such/dir/access.log");
        String err = ProxyFlags.refused("--listen", ProxyFlags.loopbackPort(), "--admin", ProxyFlags.loopbackPort(), "--backend", "127.0.0.1:1", "--access-log", file.toString());
        assertTrue(err.startsWith("proxy: cannot start: --access-log " + file + ": cannot open: "), err);
        assertEquals(1, err.lines().count(), err);
    }

    @Test
    void configFileFormsAreCheckedTheSameWay(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("proxy.conf"), "listen = " + ProxyFlags.loopbackPort() + "\nbackend = 127.0.0.1:1\n"
                + "access-log = -\naccess-log-buffer = 1024\naccess-log-format = xml\n");
        assertEquals("proxy: --access-log-format must be combined or json, got 'xml'\n", ProxyFlags.refused("--config", config.toString()));
    }

    @Test
    void offByDefaultAndCombinedWhenOn() {
        ProxyConfig defaults = ProxyConfig.builder().backends(List.of(HostPort.parse("127.0.0.1:1"))).build();
        assertNull(defaults.accessLog());
        assertEquals(AccessLogFormat.COMBINED, defaults.accessLogFormat());
        assertEquals(65536, defaults.accessLogBuffer());
    }
}
