package io.gantry.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.common.HostPort;
import io.gantry.testing.NginxExtension;
import io.gantry.testing.NginxLoadBalancer;
import io.gantry.testing.RawHttp;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Raw inputs a stranger may send, over sockets, to the proxy and (in the same run, for the record) to
 * nginx set up as the tutorial's load balancer, both in front of the same logging nginx backend. Every
 * smuggling attempt asks for a path of its own, so the backend's log shows which ones got through.
 */
class HostileInputIT {

    @RegisterExtension
    static final NginxExtension backend = new NginxExtension(1);

    /** What came back: a status, -1 when the connection closed without an answer, -2 when nothing came in time. */
    record Outcome(int status, boolean closed) {
        boolean rejected() {
            return status == -1 || status >= 400;
        }
    }

    /**
     * One input. {@code expected} is the proxy's exact answer; {@code mustClose}: the connection cannot be
     * trusted after it; {@code acceptable}: answers that are safe too (e.g. 200 for an obs-fold joined with a space).
     */
    record Case(String name, String request, int expected, boolean mustClose, Set<Integer> acceptable) {
        static Case of(String name, int expected, boolean mustClose, String request) {
            return new Case(name, request, expected, mustClose, Set.of());
        }

        Case alsoAcceptable(Integer... statuses) {
            return new Case(name, request, expected, mustClose, Set.of(statuses));
        }

        String smuggledPath(String target) {
            return "/smuggled-" + name + "-" + target;
        }

        String request(String target) {
            return request.replace("SMUGGLED", smuggledPath(target));
        }

        /** Safe: nothing smuggled, no hang, and where the framing is ambiguous, refused and closed. */
        boolean safe(Outcome o, boolean smuggled) {
            return !smuggled && o.status != -2 && (!mustClose || (o.rejected() && o.closed));
        }

        /** Exactly what the proxy promises. */
        boolean exact(Outcome o, boolean smuggled) {
            return !smuggled && (o.status == expected || acceptable.contains(o.status)) && (!mustClose || o.closed);
        }
    }

    private static final String SMUGGLE = "GET SMUGGLED HTTP/1.1\r\nHost: a\r\n\r\n";

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        c.add(Case.of("cl-then-te", 400, true, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "0\r\n\r\n" + SMUGGLE));
        c.add(Case.of("te-then-cl", 400, true, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 40\r\n\r\n"
                + "0\r\n\r\n" + SMUGGLE));
        c.add(Case.of("duplicate-cl", 400, true, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello"));
        c.add(Case.of("conflicting-cl", 400, true, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nContent-Length: 44\r\n\r\n"
                + SMUGGLE));
        c.add(Case.of("cl-list", 400, true, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\nhello"));
        c.add(Case.of("cl-not-a-number", 400, true, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: abc\r\n\r\n"));
        c.add(Case.of("cl-negative", 400, true, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n" + SMUGGLE));
        c.add(Case.of("cl-plus-sign", 400, true, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\nhello"));
        c.add(Case.of("te-not-chunked", 400, true, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n" + SMUGGLE));
        c.add(Case.of("te-unknown-coding", 501, true, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                + "0\r\n\r\n" + SMUGGLE));
        c.add(Case.of("te-chunked-twice", 400, true, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n"
                + "0\r\n\r\n" + SMUGGLE));
        c.add(Case.of("te-space-before-colon", 400, true, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n"
                + "Content-Length: 5\r\n\r\n0\r\n\r\n" + SMUGGLE));
        c.add(Case.of("te-vertical-tab", 400, true, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \u000bchunked\r\n\r\n"
                + "0\r\n\r\n" + SMUGGLE));
        c.add(Case.of("te-in-http10", 400, true, "POST / HTTP/1.0\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + SMUGGLE));
        c.add(Case.of("bad-chunk-size", 400, true, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"
                + SMUGGLE));
        c.add(Case.of("chunk-size-overflow", 400, true, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "ffffffffffffffffff1\r\nhello\r\n0\r\n\r\n" + SMUGGLE));
        c.add(Case.of("space-in-header-name", 400, true, "GET / HTTP/1.1\r\nHost: a\r\nFoo Bar: x\r\n\r\n"));
        c.add(Case.of("nul-in-header-value", 400, true, "GET / HTTP/1.1\r\nHost: a\r\nX-A: a\u0000b\r\n\r\n"));
        c.add(Case.of("control-char-in-target", 400, true, "GET /a\u0001b HTTP/1.1\r\nHost: a\r\n\r\n"));
        c.add(Case.of("missing-host", 400, false, "GET / HTTP/1.1\r\n\r\n"));
        c.add(Case.of("two-hosts", 400, true, "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"));
        c.add(Case.of("host-with-slash", 400, true, "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n"));
        c.add(Case.of("obs-fold", 200, false, "GET / HTTP/1.1\r\nHost: a\r\nX-A: a\r\n b\r\n\r\n").alsoAcceptable(400));
        c.add(Case.of("long-target", 414, true, "GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: a\r\n\r\n"));
        c.add(Case.of("huge-header", 431, true, "GET / HTTP/1.1\r\nHost: a\r\nX-A: " + "a".repeat(20_000) + "\r\n\r\n")
                .alsoAcceptable(400));
        c.add(Case.of("many-headers", 431, false, "GET / HTTP/1.1\r\nHost: a\r\n" + "X-A: a\r\n".repeat(150) + "\r\n"));
        c.add(Case.of("absolute-form-elsewhere", 200, false, "GET http://evil.invalid/ HTTP/1.1\r\nHost: a\r\n\r\n"));
        c.add(Case.of("connect", 405, true, "CONNECT evil.invalid:443 HTTP/1.1\r\nHost: evil.invalid:443\r\n\r\n"));
        c.add(Case.of("http-0.9", 400, true, "GET /\r\n\r\n"));
        c.add(Case.of("http-1.7-read-as-1.1", 200, false, "GET / HTTP/1.7\r\nHost: a\r\n\r\n"));
        c.add(Case.of("http-2.0-on-http1", 505, true, "GET / HTTP/2.0\r\nHost: a\r\n\r\n").alsoAcceptable(400));
        c.add(Case.of("body-too-large", 413, false, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2000000\r\n\r\n"));
        c.add(Case.of("get-with-body", 200, false, "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: "
                + SMUGGLE.replace("SMUGGLED", "/smuggled-get-with-body-XXXXX").length() + "\r\n\r\n" + SMUGGLE));
        return c;
    }

    private static Outcome send(InetSocketAddress target, String request) {
        try (RawHttp client = new RawHttp(target)) {
            client.timeout(3000);
            try {
                client.send(request);
            } catch (UncheckedIOException e) {
                return new Outcome(-1, true); // closed while we were still sending
            }
            int status;
            try {
                status = client.read().status();
            } catch (UncheckedIOException e) {
                boolean timedOut = e.getCause() instanceof java.net.SocketTimeoutException;
                return new Outcome(timedOut ? -2 : -1, !timedOut);
            }
            return new Outcome(status, client.closedByPeer(1000));
        }
    }

    private record Report(int safe, int exact, List<String> lines) {
    }

    private Report run(String targetName, InetSocketAddress target) {
        List<Case> cases = cases();
        List<Outcome> outcomes = new ArrayList<>();
        for (Case c : cases) {
            // the get-with-body marker's length is fixed, so its path is too
            String request = c.name().equals("get-with-body") ? c.request.replace("SMUGGLED", "/smuggled-get-with-body-" + targetName)
                    : c.request(targetName);
            outcomes.add(send(target, request));
        }
        try (RawHttp client = new RawHttp(target)) {
            assertEquals(200, client.get("/").status(), targetName + " keeps serving afterwards");
        }
        String log = String.join("\n", backend.backend(1).accessLog());
        int safe = 0;
        int exact = 0;
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            Outcome o = outcomes.get(i);
            boolean smuggled = log.contains("/smuggled-" + c.name() + "-" + targetName);
            boolean ok = c.safe(o, smuggled);
            safe += ok ? 1 : 0;
            exact += c.exact(o, smuggled) ? 1 : 0;
            lines.add(String.format("%-26s %-6s %-5s status %4d %-6s%s", c.name(), ok ? "safe" : "UNSAFE",
                    c.exact(o, smuggled) ? "exact" : "", o.status, o.closed ? "closed" : "open", smuggled ? " SMUGGLED" : ""));
        }
        return new Report(safe, exact, lines);
    }

    @Test
    void everyHostileInputIsRefusedAndNothingIsSmuggled() throws Exception {
        String backendAddress = backend.backend(1).address();
        try (Proxy proxy = Proxy.start(ProxyConfig.builder()
                .listen(new HostPort("127.0.0.1", 0)).admin(new HostPort("127.0.0.1", 0))
                .backends(List.of(HostPort.parse(backendAddress)))
                .maxBodySize(1 << 20) // nginx's default client_max_body_size, for a like-for-like comparison
                .build());
                NginxLoadBalancer nginx = new NginxLoadBalancer(List.of(backendAddress))) {
            Report ours = run("proxy", proxy.address());
            Report theirs = run("nginx", new InetSocketAddress("127.0.0.1", nginx.port()));
            int n = cases().size();
            System.out.println("hostile inputs: " + n + "; handled safely: proxy " + ours.safe + ", nginx (tutorial config) "
                    + theirs.safe + "; exact expected answer: proxy " + ours.exact + ", nginx " + theirs.exact);
            for (int i = 0; i < n; i++) {
                System.out.println("  proxy " + ours.lines.get(i) + " | nginx " + theirs.lines.get(i).substring(27));
            }
            assertEquals(n, ours.exact, "the proxy answers every input exactly as specified:\n" + String.join("\n", ours.lines));
            assertTrue(ours.safe == n);
        }
    }
}
