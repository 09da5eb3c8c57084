package io.gantry.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.testing.ChildProcess;
import io.gantry.testing.EtcdExtension;
import io.gantry.testing.NginxExtension;
import io.gantry.testing.Poll;
import io.gantry.testing.EtcdCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** discovery.jar keeping its key in an etcd that wants TLS with a client certificate and a password. */
class SecuredEtcdSidekickIT {

    private static final String KEY = "/services/website/nginx@1";
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @RegisterExtension
    static final EtcdExtension etcd = EtcdExtension.builder().tls().auth().build();

    @RegisterExtension
    static final NginxExtension nginx = new NginxExtension(1);

    @TempDir
    Path dir;

    private ChildProcess discovery;

    @BeforeEach
    void noKey() {
        etcd.deletePrefix("/services/");
    }

    @AfterEach
    void stop() {
        if (discovery != null) {
            discovery.kill();
        }
    }

    @Test
    void keyIsRegisteredUnderALeaseAndDeletedOnSigterm() {
        List<String> args = new java.util.ArrayList<>(etcd.flags());
        args.addAll(List.of("--key", KEY, "--target", nginx.backend(1).address(), "--interval", "200ms", "--ttl", "10s"));
        discovery = DiscoveryJar.start(dir, args.toArray(String[]::new));
        Poll.until(DEADLINE, "key registered", () -> nginx.backend(1).address().equals(etcd.value(KEY)));
        assertTrue(etcd.lease(KEY) > 0, "the key is attached to a lease");
        Poll.until(DEADLINE, "discovery to be started", () -> discovery.output().contains("discovery started"));
        assertEquals(0, discovery.terminate(Duration.ofSeconds(15)), discovery.output());
        assertEquals(null, etcd.value(KEY), "deleted and the lease revoked on the way out: " + discovery.output());
    }

    @Test
    void certificatesFromEtcdctlsEnvironmentAndThePasswordFromAFile() throws Exception {
        EtcdCertificates certs = etcd.certificates();
        Path password = Files.writeString(dir.resolve("etcd-password"), EtcdExtension.PASSWORD + "\n");
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                Path.of(System.getProperty("gantry.discovery.jar", "target/discovery.jar")).toAbsolutePath().toString(),
                "--etcd-user", EtcdExtension.USER, "--etcd-password-file", password.toString(),
                "--key", KEY, "--target", nginx.backend(1).address(), "--interval", "200ms");
        discovery = ChildProcess.start("discovery", cmd, dir.resolve("discovery.log"), Map.of(
                "ETCDCTL_ENDPOINTS", etcd.endpoint(),
                "ETCDCTL_CACERT", certs.ca().toString(),
                "ETCDCTL_CERT", certs.clientCert().toString(),
                "ETCDCTL_KEY", certs.clientKeyPkcs1().toString()));
        Poll.until(DEADLINE, "key registered", () -> nginx.backend(1).address().equals(etcd.value(KEY)));
        assertTrue(discovery.output().contains("discovery started: etcd " + etcd.endpoint() + " as gantry"), discovery.output());
    }
}
