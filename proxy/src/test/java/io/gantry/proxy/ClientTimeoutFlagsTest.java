package io.gantry.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.common.HostPort;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The slow-client flags: nginx's defaults, and a timeout of zero refused with one line naming the flag. */
class ClientTimeoutFlagsTest {

    @Test
    void bodyAndSendTimeoutsDefaultToNginxsSixtySeconds() {
        ProxyConfig c = ProxyConfig.builder().backends(List.of(HostPort.parse("127.0.0.1:1"))).build();
        assertEquals(Duration.ofSeconds(60), c.clientBodyTimeout());
        assertEquals(Duration.ofSeconds(60), c.sendTimeout());
    }

    @Test
    void aTimeoutOfZeroIsRefusedByName() {
        assertEquals("proxy: --send-timeout must be longer than 0, got 0s\n",
                ProxyFlags.refused("--listen", ProxyFlags.loopbackPort(), "--backend", "127.0.0.1:1", "--send-timeout", "0s"));
        assertEquals("proxy: --client-body-timeout must be longer than 0, got 0s\n",
                ProxyFlags.refused("--listen", ProxyFlags.loopbackPort(), "--backend", "127.0.0.1:1", "--client-body-timeout", "0s"));
        assertEquals("proxy: --client-header-timeout must be longer than 0, got 0s\n",
                ProxyFlags.refused("--listen", ProxyFlags.loopbackPort(), "--backend", "127.0.0.1:1", "--client-header-timeout", "0s"));
    }
}
