package io.gantry.proxy.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.proxy.backend.Backend;
import io.gantry.proxy.backend.BackendSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackendTableTest {

    private static List<String> keys(BackendSet set) {
        return set.asList().stream().map(Backend::key).toList();
    }

    @Test
    void snapshotIsSortedByKeyWhateverTheOrderOfPuts() {
        BackendTable table = new BackendTable();
        table.put("/services/website/nginx@3", "127.0.0.1:8003");
        table.put("/services/website/nginx@1", "127.0.0.1:8001");
        table.put("/services/website/nginx@2", "127.0.0.1:8002");
        assertEquals(List.of("/services/website/nginx@1", "/services/website/nginx@2", "/services/website/nginx@3"),
                keys(table.snapshot()));
    }

    @Test
    void aValueThatIsNotAnAddressDropsTheKey() {
        BackendTable table = new BackendTable();
        table.put("/services/website/nginx@1", "127.0.0.1:8001");
        table.put("/services/website/nginx@1", "not an address");
        assertEquals(0, table.size());
        table.put("/services/website/nginx@1", "127.0.0.1:8001");
        assertEquals(1, table.size());
    }

    @Test
    void rewritingTheSameAddressLeavesTheSetTheSame() {
        BackendTable table = new BackendTable();
        table.put("/services/website/nginx@1", "127.0.0.1:8001");
        BackendSet before = table.snapshot();
        table.put("/services/website/nginx@1", "127.0.0.1:8001");
        assertTrue(before.sameAs(table.snapshot()));
        table.put("/services/website/nginx@1", "127.0.0.1:8009");
        assertTrue(!before.sameAs(table.snapshot()));
    }

    @Test
    void turningTlsOnOrOffIsAChangedBackend() {
        BackendTable table = new BackendTable();
        table.put("/services/website/nginx@1", "127.0.0.1:8443");
        BackendSet cleartext = table.snapshot();
        table.put("/services/website/nginx@1", "{\"address\":\"127.0.0.1:8443\",\"tls\":true}");
        BackendSet tls = table.snapshot();
        assertTrue(tls.get(0).tls());
        List<Backend> added = new ArrayList<>();
        List<Backend> removed = new ArrayList<>();
        cleartext.diff(tls, added, removed);
        assertEquals(List.of(tls.get(0)), added);
        assertEquals(List.of(cleartext.get(0)), removed);
        table.put("/services/website/nginx@1", "{\"address\":\"127.0.0.1:8443\",\"tls\":false}");
        assertFalse(tls.sameAs(table.snapshot()));
        assertFalse(table.snapshot().get(0).tls());
    }

    @Test
    void aTlsThatIsNotABooleanDropsTheKey() {
        BackendTable table = new BackendTable();
        table.put("/services/website/nginx@1", "{\"address\":\"127.0.0.1:8443\",\"tls\":true}");
        table.put("/services/website/nginx@1", "{\"address\":\"127.0.0.1:8443\",\"tls\":\"on\"}");
        assertEquals(0, table.size());
    }

    @Test
    void diffNamesAddedRemovedAndMovedBackends() {
        BackendTable table = new BackendTable();
        table.put("/services/website/nginx@1", "127.0.0.1:8001");
        table.put("/services/website/nginx@2", "127.0.0.1:8002");
        BackendSet before = table.snapshot();
        table.delete("/services/website/nginx@1");
        table.put("/services/website/nginx@2", "127.0.0.1:8012");
        table.put("/services/website/nginx@3", "127.0.0.1:8003");
        List<Backend> added = new ArrayList<>();
        List<Backend> removed = new ArrayList<>();
        before.diff(table.snapshot(), added, removed);
        assertEquals(List.of("/services/website/nginx@2", "/services/website/nginx@3"),
                added.stream().map(Backend::key).toList());
        assertEquals(List.of("/services/website/nginx@1", "/services/website/nginx@2"),
                removed.stream().map(Backend::key).toList());
    }
}
