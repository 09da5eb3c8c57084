package io.gantry.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.testing.ChildProcess;
import io.gantry.testing.FreePorts;
import io.gantry.testing.TestCertificates;
import io.gantry.testing.TestCertificates.KeyFormat;
import io.gantry.testing.TestCertificates.KeyType;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gRPC end to end through proxy.jar (issue 14), grpc-java on both sides: a plaintext channel speaks
 * h2c with prior knowledge to {@code --listen --h2c}, a TLS channel negotiates h2 on {@code --tls-listen},
 * and the proxy speaks h2c to the backend ({@code --backend-protocol h2c}). Each test asserts what a
 * gRPC user observes: messages, status codes and descriptions from trailers, metadata, deadlines.
 *
 * <p>{@code -Dgantry.grpc.direct=true} points the same tests at the backend itself (and a TLS twin of
 * it), with no proxy in between: what proves the tests right apart from the proxy.
 */
class GrpcIT {

    private static final boolean DIRECT = Boolean.getBoolean("gantry.grpc.direct");
    private static final TestCertificates.Authority CA = TestCertificates.authority("Gantry gRPC test CA");
    private static final Pattern CONNECTIONS_TOTAL = Pattern.compile("\"connections_total\" : (\\d+)");

    @TempDir
    static Path dir;

    private static GrpcBackend backend;
    /** Direct mode only: a TLS server where the proxy's --tls-listen would be. */
    private static GrpcBackend tlsBackend;
    private static ChildProcess proxy;
    private static int port;
    private static int tlsPort;
    private static int adminPort;

    private ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        Path cert = dir.resolve("localhost.pem");
        Path key = dir.resolve("localhost.key");
        CA.issue(KeyType.EC, "localhost").write(cert, key, KeyFormat.PKCS8);
        CA.write(dir.resolve("ca.pem"));
        backend = new GrpcBackend();
        if (DIRECT) {
            tlsBackend = new GrpcBackend(cert, key);
            port = backend.port();
            tlsPort = tlsBackend.port();
            return;
        }
        port = FreePorts.pick();
        tlsPort = FreePorts.pick();
        adminPort = FreePorts.pick();
        proxy = ProxyJar.start(List.of(), List.of("--listen", "127.0.0.1:" + port, "--h2c",
                "--tls-listen", "127.0.0.1:" + tlsPort, "--tls-cert", cert.toString(), "--tls-key", key.toString(),
                "--admin", "127.0.0.1:" + adminPort, "--backend", backend.address(), "--backend-protocol", "h2c"),
                dir.resolve("proxy.log"));
        ProxyJar.awaitListening(proxy, port);
        ProxyJar.awaitListening(proxy, tlsPort);
    }

    @AfterAll
    static void stop() throws Exception {
        try (ChildProcess p = proxy; GrpcBackend b = backend; GrpcBackend t = tlsBackend) {
            // closed in reverse order: the proxy first
        }
    }

    @BeforeEach
    void openChannel() {
        channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
                .maxInboundMessageSize(GrpcBackend.MAX_MESSAGE).build();
    }

    @AfterEach
    void closeChannel() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        assertTrue(DIRECT || proxy.isAlive(), () -> "the proxy exited: " + proxy.output());
    }

    private static CallOptions withDeadline() {
        return CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    @Test
    void aUnaryCallIsAnsweredWithItsMetadataBothWays() {
        Metadata request = new Metadata();
        request.put(GrpcBackend.TAG, "t-1");
        AtomicReference<Metadata> headers = new AtomicReference<>();
        AtomicReference<Metadata> trailers = new AtomicReference<>();
        String answer = ClientCalls.blockingUnaryCall(ClientInterceptors.intercept(channel,
                        MetadataUtils.newAttachHeadersInterceptor(request),
                        MetadataUtils.newCaptureMetadataInterceptor(headers, trailers)),
                GrpcBackend.ECHO, withDeadline(), "hello");
        assertEquals("hello tag=t-1", answer, "the request metadata reached the backend");
        assertEquals("grpc-backend", headers.get().get(GrpcBackend.SERVED_BY), "response headers: " + headers.get());
        assertTrue(trailers.get() != null, "the call ended with trailers");
        assertEquals(DIRECT ? null : "http", backend.lastHeaders().get(GrpcBackend.FORWARDED_PROTO), "through the proxy, or direct");
    }

    @Test
    void aServerStreamDeliversEveryMessageInOrder() {
        List<String> got = new ArrayList<>();
        ClientCalls.blockingServerStreamingCall(channel, GrpcBackend.COUNT, withDeadline(), "200").forEachRemaining(got::add);
        assertEquals(IntStream.rangeClosed(1, 200).mapToObj(Integer::toString).toList(), got);
    }

    @Test
    void aClientStreamIsAnsweredOnceTheClientHalfCloses() throws Exception {
        CompletableFuture<String> answer = new CompletableFuture<>();
        StreamObserver<String> requests = ClientCalls.asyncClientStreamingCall(
                channel.newCall(GrpcBackend.CONCAT, withDeadline()), new Answer(answer));
        for (String part : List.of("a", "b", "c", "d", "e")) {
            requests.onNext(part);
        }
        assertFalse(answer.isDone(), "no answer before the half-close");
        requests.onCompleted();
        assertEquals("5: a+b+c+d+e", answer.get(10, TimeUnit.SECONDS));
    }

    @Test
    void aBidirectionalStreamIsAnsweredMessageByMessage() throws Exception {
        BlockingQueue<String> replies = new LinkedBlockingQueue<>();
        CompletableFuture<String> end = new CompletableFuture<>();
        StreamObserver<String> requests = ClientCalls.asyncBidiStreamingCall(
                channel.newCall(GrpcBackend.CHAT, withDeadline()), new StreamObserver<>() {
                    @Override
                    public void onNext(String reply) {
                        replies.add(reply);
                    }

                    @Override
                    public void onError(Throwable t) {
                        end.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        end.complete("completed");
                    }
                });
        // Each message is sent only after the previous reply came back: nothing may wait for the end of a stream.
        for (int i = 1; i <= 20; i++) {
            requests.onNext("ping " + i);
            assertEquals("ack ping " + i, replies.poll(5, TimeUnit.SECONDS), "reply " + i);
        }
        requests.onCompleted();
        assertEquals("completed", end.get(10, TimeUnit.SECONDS));
    }

    @Test
    void aStatusSetByTheServerReachesTheClientWithItsMessageAndTrailers() {
        // Failing before any message: grpc-java sends a trailers-only response (one HEADERS frame, END_STREAM).
        String description = "no such key: /services/ключ (100% gone)";
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () ->
                ClientCalls.blockingUnaryCall(channel, GrpcBackend.FAIL, withDeadline(), "NOT_FOUND " + description));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode(), e.toString());
        assertEquals(description, e.getStatus().getDescription(), "grpc-message, percent-encoded on the wire");
        assertEquals("set by the backend", e.getTrailers().get(GrpcBackend.DETAIL), "trailers: " + e.getTrailers());
    }

    @Test
    void aStatusAfterStreamedMessagesComesAfterThem() {
        Iterator<String> messages = ClientCalls.blockingServerStreamingCall(channel, GrpcBackend.FAIL_AFTER, withDeadline(),
                "3 RESOURCE_EXHAUSTED quota spent");
        List<String> got = new ArrayList<>();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> messages.forEachRemaining(got::add));
        assertEquals(List.of("1", "2", "3"), got);
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode(), e.toString());
        assertEquals("quota spent", e.getStatus().getDescription());
        assertEquals("set by the backend", e.getTrailers().get(GrpcBackend.DETAIL));
    }

    @Test
    void messagesOfSeveralMebibytesCrossBothWays() {
        // Far beyond every initial flow-control window (64 KiB in HTTP/2, grpc-java's 1 MiB): WINDOW_UPDATEs must flow.
        for (int size : List.of(5 << 20, 6 << 20 | 12345)) {
            byte[] blob = new byte[size];
            new Random(size).nextBytes(blob);
            assertArrayEquals(blob, ClientCalls.blockingUnaryCall(channel, GrpcBackend.BLOB, withDeadline(), blob), size + " bytes");
        }
    }

    @Test
    void aDeadlineCutsASlowCallTheServerLearnsItAndTheChannelKeepsServing() throws Exception {
        warmUp();
        long[] before = connections();
        long t0 = System.nanoTime();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> ClientCalls.blockingUnaryCall(channel,
                GrpcBackend.HANG, CallOptions.DEFAULT.withDeadlineAfter(500, TimeUnit.MILLISECONDS), "deadline-1"));
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode(), e.toString());
        assertTrue(took >= 450 && took < 5000, "cut after " + took + " ms");
        assertTrue(backend.awaitHang("deadline-1"), "the backend was told the deadline (grpc-timeout)");
        backend.awaitCancelled("deadline-1");
        assertEquals("after tag=null", ClientCalls.blockingUnaryCall(channel, GrpcBackend.ECHO, withDeadline(), "after"));
        assertArrayEquals(before, connections(), "the connections survived the cut call [client→proxy, proxy→backend]");
    }

    @Test
    void aCallTheClientCancelsIsCancelledAtTheServer() throws Exception {
        warmUp();
        long[] before = connections();
        // No deadline: only the client's RST_STREAM, passed on, can tell the backend.
        ClientCall<String, String> call = channel.newCall(GrpcBackend.HANG, CallOptions.DEFAULT);
        CompletableFuture<String> answer = new CompletableFuture<>();
        ClientCalls.asyncUnaryCall(call, "cancel-1", new Answer(answer));
        assertFalse(backend.awaitHang("cancel-1"), "no deadline given");
        call.cancel("the user gave up", null);
        backend.awaitCancelled("cancel-1");
        Throwable thrown = assertThrows(Exception.class, () -> answer.get(5, TimeUnit.SECONDS)).getCause();
        assertEquals(Status.Code.CANCELLED, Status.fromThrowable(thrown).getCode(), thrown.toString());
        assertEquals("after tag=null", ClientCalls.blockingUnaryCall(channel, GrpcBackend.ECHO, withDeadline(), "after"));
        assertArrayEquals(before, connections(), "the connections survived the cancelled call [client→proxy, proxy→backend]");
    }

    @Test
    void aHundredConcurrentCallsOnOneChannelAllSucceed() throws Exception {
        // Each call is answered only once all hundred are in flight at the backend at the same time.
        List<Future<String>> calls = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            calls.add(ClientCalls.futureUnaryCall(channel.newCall(GrpcBackend.GATHER, withDeadline()), "hundred 100"));
        }
        for (int i = 0; i < calls.size(); i++) {
            assertEquals("gathered 100", calls.get(i).get(15, TimeUnit.SECONDS), "call " + i);
        }
    }

    @Test
    void overTlsTheSameCallsWork() throws Exception {
        ManagedChannel tls = NettyChannelBuilder.forAddress("127.0.0.1", tlsPort).overrideAuthority("localhost")
                .sslContext(GrpcSslContexts.forClient().trustManager(dir.resolve("ca.pem").toFile()).build())
                .maxInboundMessageSize(GrpcBackend.MAX_MESSAGE).build();
        try {
            assertEquals("over tls tag=null", ClientCalls.blockingUnaryCall(tls, GrpcBackend.ECHO, withDeadline(), "over tls"));
            assertEquals(DIRECT ? null : "https", (DIRECT ? tlsBackend : backend).lastHeaders().get(GrpcBackend.FORWARDED_PROTO));
            List<String> got = new ArrayList<>();
            ClientCalls.blockingServerStreamingCall(tls, GrpcBackend.COUNT, withDeadline(), "5").forEachRemaining(got::add);
            assertEquals(List.of("1", "2", "3", "4", "5"), got);
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () ->
                    ClientCalls.blockingUnaryCall(tls, GrpcBackend.FAIL, withDeadline(), "PERMISSION_DENIED not yours"));
            assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode(), e.toString());
            assertEquals("not yours", e.getStatus().getDescription());
            byte[] blob = new byte[3 << 20];
            new Random(3).nextBytes(blob);
            assertArrayEquals(blob, ClientCalls.blockingUnaryCall(tls, GrpcBackend.BLOB, withDeadline(), blob));
        } finally {
            tls.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** One call first, so that every connection the test counts is already open. */
    private void warmUp() {
        assertEquals("warm-up tag=null", ClientCalls.blockingUnaryCall(channel, GrpcBackend.ECHO, withDeadline(), "warm-up"));
    }

    /** Connections accepted so far: by the proxy from clients (direct: none), and by the backend. */
    private static long[] connections() throws Exception {
        return new long[] {DIRECT ? 0 : proxyConnections(), backend.connections()};
    }

    private static long proxyConnections() throws Exception {
        HttpResponse<String> status = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/status")).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher m = CONNECTIONS_TOTAL.matcher(status.body());
        assertTrue(m.find(), status.body());
        return Long.parseLong(m.group(1));
    }

    /** A response observer that completes {@code answer} with the one message, or with the call's failure. */
    private record Answer(CompletableFuture<String> answer) implements StreamObserver<String> {
        @Override
        public void onNext(String message) {
            answer.complete(message);
        }

        @Override
        public void onError(Throwable t) {
            answer.completeExceptionally(t);
        }

        @Override
        public void onCompleted() {
            answer.complete(null);
        }
    }
}
