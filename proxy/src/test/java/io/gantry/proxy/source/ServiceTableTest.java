package io.gantry.proxy.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.proxy.backend.BackendSet;
import io.gantry.proxy.backend.Services;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceTableTest {

    private final Services services = new Services();
    private final ServiceTable table = new ServiceTable("/services/", null, services);

    @Test
    void eachKeyGoesToItsServiceAndABatchPublishesOnlyTheServicesItTouched() {
        table.put("/services/web/a", "127.0.0.1:81");
        table.put("/services/api/a", "127.0.0.1:82");
        table.batchDone();
        List<BackendSet> apiSets = new ArrayList<>();
        services.group("api").onChange(apiSets::add);
        table.put("/services/web/b", "127.0.0.1:83");
        table.batchDone();
        assertEquals(2, services.group("web").current().size());
        assertEquals(List.of(), apiSets, "a change to web leaves api's set alone");
    }

    @Test
    void aKeyThatNamesNoInstanceIsSkipped() {
        table.put("/services/web", "127.0.0.1:81");
        table.put("/services/web/", "127.0.0.1:81");
        table.batchDone();
        assertEquals(0, services.backendCount());
    }

    @Test
    void aBackendKeepsItsLoadThroughWeightAndDrainingChangesAndARereadButNotADeletion() {
        table.put("/services/web/a", "127.0.0.1:81");
        table.batchDone();
        var load = services.group("web").current().endpoint(0).load();
        table.put("/services/web/a", "{\"address\":\"127.0.0.1:81\",\"weight\":5,\"draining\":true}");
        table.batchDone();
        var changed = services.group("web").current().endpoint(0);
        assertSame(load, changed.load());
        assertTrue(changed.draining());
        assertEquals(5, changed.weight());
        table.clear();
        table.put("/services/web/a", "127.0.0.1:81");
        table.batchDone();
        assertSame(load, services.group("web").current().endpoint(0).load());
        table.delete("/services/web/a");
        table.batchDone();
        table.put("/services/web/a", "127.0.0.1:81");
        table.batchDone();
        assertNotSame(load, services.group("web").current().endpoint(0).load(), "a key that comes back is a newcomer");
    }

    @Test
    void theCatchAllsOwnPrefixIsOneService() {
        ServiceTable own = new ServiceTable("/legacy/pool/", "/legacy/pool/", services);
        own.put("/legacy/pool/a", "127.0.0.1:81");
        own.put("/legacy/pool/b/c", "127.0.0.1:82");
        own.batchDone();
        assertEquals(2, services.group("/legacy/pool/").current().size());
    }
}
