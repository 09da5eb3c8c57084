package io.gantry.common.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.common.EtcdSettings;
import io.gantry.testing.EtcdCertificates;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The etcd flags as every program parses them: env fallbacks, precedence, files, and one-line errors. */
class EtcdOptionsTest {

    @Command(name = "demo")
    static final class Demo implements Callable<Integer> {
        @Mixin EtcdOptions etcd;
        @Option(names = "--config") Path config;
        EtcdSettings settings;

        Demo(Map<String, String> env) {
            etcd = new EtcdOptions(env::get);
        }

        @Override
        public Integer call() {
            settings = etcd.required();
            return 0;
        }
    }

    @TempDir
    static Path certDir;
    private static EtcdCertificates certs;

    @TempDir
    Path dir;

    private final Map<String, String> env = new HashMap<>();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private Demo demo;

    @BeforeAll
    static void makeCertificates() {
        certs = EtcdCertificates.create(certDir);
    }

    private int run(String... args) {
        demo = new Demo(env);
        PrintStream saved = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            return CommandLines.execute("demo", demo, args);
        } finally {
            System.setErr(saved);
        }
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private EtcdSettings parsed(String... args) {
        assertEquals(0, run(args), stderr());
        return demo.settings;
    }

    private void refused(String message, String... args) {
        assertEquals(2, run(args), stderr());
        assertEquals("demo: " + message, stderr().strip());
    }

    @Test
    void plainEndpointsNeedNothingElse() {
        EtcdSettings s = parsed("--etcd", "http://127.0.0.1:2379,http://127.0.0.1:22379");
        assertEquals(2, s.endpoints().size());
        assertNull(s.tls());
        assertNull(s.credentials());
    }

    @Test
    void httpsEndpointsWithCertificatesFromFlags() {
        EtcdSettings s = parsed("--etcd", "https://127.0.0.1:2379", "--etcd-cacert", certs.ca().toString(),
                "--etcd-cert", certs.clientCert().toString(), "--etcd-key", certs.clientKey().toString());
        assertEquals(new EtcdSettings.Tls(certs.ca(), certs.clientCert(), certs.clientKey()), s.tls());
    }

    @Test
    void httpsWithoutFilesTrustsTheJdkCasAndSendsNoCertificate() {
        assertEquals(EtcdSettings.Tls.DEFAULT, parsed("--etcd", "https://127.0.0.1:2379").tls());
    }

    @Test
    void everySettingFallsBackToEtcdctlsEnvironment() {
        env.put("ETCDCTL_ENDPOINTS", "https://127.0.0.1:2379");
        env.put("ETCDCTL_CACERT", certs.ca().toString());
        env.put("ETCDCTL_CERT", certs.clientCert().toString());
        env.put("ETCDCTL_KEY", certs.clientKey().toString());
        env.put("ETCDCTL_USER", "gantry");
        env.put("ETCDCTL_PASSWORD", " secret with spaces ");
        EtcdSettings s = parsed();
        assertEquals("https://127.0.0.1:2379", s.endpoints().get(0).toString());
        assertEquals(new EtcdSettings.Tls(certs.ca(), certs.clientCert(), certs.clientKey()), s.tls());
        assertEquals(new EtcdSettings.Credentials("gantry", " secret with spaces "), s.credentials());
    }

    @Test
    void flagsWinOverTheEnvironment() {
        env.put("ETCDCTL_ENDPOINTS", "https://10.0.0.1:2379");
        env.put("ETCDCTL_CACERT", "/nonexistent/ca.pem");
        env.put("ETCDCTL_USER", "other:pw");
        EtcdSettings s = parsed("--etcd", "https://127.0.0.1:2379", "--etcd-cacert", certs.ca().toString(), "--etcd-user", "gantry:mine");
        assertEquals("https://127.0.0.1:2379", s.endpoints().get(0).toString());
        assertEquals(certs.ca(), s.tls().caCert());
        assertEquals(new EtcdSettings.Credentials("gantry", "mine"), s.credentials());
    }

    @Test
    void configFileWinsOverTheEnvironmentAndFlagsOverTheFile() throws Exception {
        Path pw = Files.writeString(dir.resolve("pw"), "from-file\n");
        Path config = Files.writeString(dir.resolve("demo.conf"), "etcd = https://127.0.0.1:2379\netcd-cacert = " + certs.ca()
                + "\netcd-user = gantry\netcd-password-file = " + pw + "\n");
        env.put("ETCDCTL_ENDPOINTS", "https://10.0.0.1:2379");
        env.put("ETCDCTL_PASSWORD", "from-env");
        EtcdSettings s = parsed("--config", config.toString());
        assertEquals("https://127.0.0.1:2379", s.endpoints().get(0).toString());
        assertEquals(certs.ca(), s.tls().caCert());
        assertEquals(new EtcdSettings.Credentials("gantry", "from-file"), s.credentials());
        s = parsed("--config", config.toString(), "--etcd", "https://127.0.0.2:2379");
        assertEquals("https://127.0.0.2:2379", s.endpoints().get(0).toString());
    }

    @Test
    void passwordComesFromTheFileWhenTheUserHasNone() throws Exception {
        Path pw = Files.writeString(dir.resolve("pw"), "s3cret\r\n");
        EtcdSettings s = parsed("--etcd", "http://127.0.0.1:2379", "--etcd-user", "gantry", "--etcd-password-file", pw.toString());
        assertEquals(new EtcdSettings.Credentials("gantry", "s3cret"), s.credentials());
    }

    @Test
    void passwordFileBeatsTheEnvironmentsUserPassword() throws Exception {
        Path pw = Files.writeString(dir.resolve("pw"), "from-file\n");
        env.put("ETCDCTL_USER", "gantry:from-env");
        EtcdSettings s = parsed("--etcd", "http://127.0.0.1:2379", "--etcd-password-file", pw.toString());
        assertEquals(new EtcdSettings.Credentials("gantry", "from-file"), s.credentials());
    }

    @Test
    void toStringNamesTheUserButNeverThePassword() {
        EtcdSettings s = parsed("--etcd", "http://127.0.0.1:2379", "--etcd-user", "gantry:topsecret");
        assertEquals("http://127.0.0.1:2379 as gantry", s.toString());
        assertTrue(!s.credentials().toString().contains("topsecret") && !s.toString().contains("topsecret"));
    }

    @Test
    void missingCertificateFileNamesTheFlagAndTheFile() {
        refused("--etcd-cacert /nonexistent/ca.pem: no such file",
                "--etcd", "https://127.0.0.1:2379", "--etcd-cacert", "/nonexistent/ca.pem");
    }

    @Test
    void missingFileFromTheEnvironmentNamesTheVariable() {
        env.put("ETCDCTL_CERT", certs.clientCert().toString());
        env.put("ETCDCTL_KEY", "/nonexistent/client.key");
        refused("ETCDCTL_KEY /nonexistent/client.key: no such file", "--etcd", "https://127.0.0.1:2379");
    }

    @Test
    void aKeyThatIsNoKeyIsNamed() {
        refused("--etcd-key " + certs.clientCert() + ": no PEM private key in it (expected a '-----BEGIN PRIVATE KEY-----' block)",
                "--etcd", "https://127.0.0.1:2379", "--etcd-cert", certs.clientCert().toString(), "--etcd-key", certs.clientCert().toString());
    }

    @Test
    void certificateWithoutKeyIsRefused() {
        refused("--etcd-cert needs --etcd-key (or ETCDCTL_KEY)",
                "--etcd", "https://127.0.0.1:2379", "--etcd-cert", certs.clientCert().toString());
    }

    @Test
    void tlsFlagsWithHttpEndpointsAreRefusedButTlsVariablesIgnored() {
        refused("--etcd-cacert needs https:// endpoints, not 'http://127.0.0.1:2379'",
                "--etcd", "http://127.0.0.1:2379", "--etcd-cacert", certs.ca().toString());
        err.reset();
        env.put("ETCDCTL_CACERT", "/nonexistent/ca.pem");
        assertNull(parsed("--etcd", "http://127.0.0.1:2379").tls());
    }

    @Test
    void mixingHttpAndHttpsNamesTheFlag() {
        assertEquals(2, run("--etcd", "http://127.0.0.1:2379,https://127.0.0.1:22379"));
        assertTrue(stderr().contains("'--etcd'") && stderr().contains("mixes http:// and https:// endpoints"), stderr());
    }

    @Test
    void badEndpointInTheEnvironmentNamesTheVariable() {
        env.put("ETCDCTL_ENDPOINTS", "127.0.0.1:2379");
        refused("ETCDCTL_ENDPOINTS: '127.0.0.1:2379' is not an etcd endpoint like http://127.0.0.1:2379 or https://10.0.0.2:2379");
    }

    @Test
    void noEndpointAnywhereIsOneLine() {
        refused("--etcd URL is required (or ETCDCTL_ENDPOINTS in the environment)");
    }

    @Test
    void userWithoutPasswordSaysWhereOneCanComeFrom() {
        refused("--etcd-user gantry has no password: give NAME:PASSWORD, --etcd-password-file FILE or ETCDCTL_PASSWORD",
                "--etcd", "http://127.0.0.1:2379", "--etcd-user", "gantry");
    }

    @Test
    void twoPasswordsAreRefused() throws Exception {
        Path pw = Files.writeString(dir.resolve("pw"), "x\n");
        refused("--etcd-user has a password and so has --etcd-password-file; give one",
                "--etcd", "http://127.0.0.1:2379", "--etcd-user", "gantry:y", "--etcd-password-file", pw.toString());
    }

    @Test
    void unreadableOrEmptyPasswordFileIsNamed() throws Exception {
        refused("--etcd-password-file /nonexistent/pw: no such file",
                "--etcd", "http://127.0.0.1:2379", "--etcd-user", "gantry", "--etcd-password-file", "/nonexistent/pw");
        err.reset();
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        refused("--etcd-password-file " + empty + ": the first line is empty",
                "--etcd", "http://127.0.0.1:2379", "--etcd-user", "gantry", "--etcd-password-file", empty.toString());
    }

    @Test
    void passwordFileWithoutUserIsRefused() throws Exception {
        Path pw = Files.writeString(dir.resolve("pw"), "x\n");
        refused("--etcd-password-file needs --etcd-user", "--etcd", "http://127.0.0.1:2379", "--etcd-password-file", pw.toString());
    }

    @Test
    void badFileInTheConfigIsNamedWhenTheSettingsAreMade() throws Exception {
        Path config = Files.writeString(dir.resolve("demo.conf"), "etcd = https://127.0.0.1:2379\netcd-cacert = /nonexistent/ca.pem\n");
        refused("--etcd-cacert /nonexistent/ca.pem: no such file", "--config", config.toString());
    }
}
