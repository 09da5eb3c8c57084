package io.gantry.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.testing.EtcdExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Scale: 100 agents in one JVM, 1,000 units started with one ctl start, all active, spread evenly. */
class SimulationIT {

    @RegisterExtension
    static final EtcdExtension etcd = new EtcdExtension();

    @Test
    void aHundredMachinesRunAThousandUnitsTenEach() throws Exception {
        Simulation.Report report = Simulation.run(etcd.client(), etcd.endpoint(), 100, 1000, Duration.ofMinutes(3));
        System.out.println("simulation: " + report);
        assertTrue(report.complete(), report.toString());
        assertEquals(10, report.minPerMachine(), report.toString());
        assertEquals(10, report.maxPerMachine(), report.toString());
    }
}
