package io.gantry.proxy;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServerTransportFilter;
import io.grpc.Status;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A grpc-java server on loopback as a test backend, its service {@value #SERVICE} written by hand (no
 * protoc): UTF-8 strings as messages, raw bytes for the large one. It also records what only the
 * server sees: the deadline a call arrived with, the cancellations that reached it, its connections.
 */
final class GrpcBackend implements AutoCloseable {

    static final String SERVICE = "gantry.test.Echo";
    /** Above grpc-java's default of 4 MiB, so the large message is judged by flow control, not by a limit. */
    static final int MAX_MESSAGE = 16 << 20;

    /** A request header that {@link #ECHO} repeats. */
    static final Metadata.Key<String> TAG = Metadata.Key.of("x-tag", Metadata.ASCII_STRING_MARSHALLER);
    /** A response header on every call: response metadata reached the client. */
    static final Metadata.Key<String> SERVED_BY = Metadata.Key.of("x-served-by", Metadata.ASCII_STRING_MARSHALLER);
    /** A trailer that failed calls carry beside grpc-status and grpc-message. */
    static final Metadata.Key<String> DETAIL = Metadata.Key.of("x-failure-detail", Metadata.ASCII_STRING_MARSHALLER);

    /** "text" → "text tag=TAG". */
    static final MethodDescriptor<String, String> ECHO = method(MethodType.UNARY, "Echo", Utf8.INSTANCE);
    /** "n" → the messages "1" … "n". */
    static final MethodDescriptor<String, String> COUNT = method(MethodType.SERVER_STREAMING, "Count", Utf8.INSTANCE);
    /** The messages a, b, c → "3: a+b+c", once the client half-closes. */
    static final MethodDescriptor<String, String> CONCAT = method(MethodType.CLIENT_STREAMING, "Concat", Utf8.INSTANCE);
    /** Each message m → "ack m" at once; completes when the client half-closes. */
    static final MethodDescriptor<String, String> CHAT = method(MethodType.BIDI_STREAMING, "Chat", Utf8.INSTANCE);
    /** "CODE description" → that status, with the trailer {@link #DETAIL}. */
    static final MethodDescriptor<String, String> FAIL = method(MethodType.UNARY, "Fail", Utf8.INSTANCE);
    /** "n CODE description" → the messages "1" … "n", then that status. */
    static final MethodDescriptor<String, String> FAIL_AFTER = method(MethodType.SERVER_STREAMING, "FailAfter", Utf8.INSTANCE);
    /** Bytes → the same bytes. */
    static final MethodDescriptor<byte[], byte[]> BLOB = method(MethodType.UNARY, "Blob", RawBytes.INSTANCE);
    /** "id" → no answer, ever: the call ends when the client cancels it or its deadline passes. */
    static final MethodDescriptor<String, String> HANG = method(MethodType.UNARY, "Hang", Utf8.INSTANCE);
    /** "group n" → "gathered n", sent to all n calls of the group once all n are in flight at once. */
    static final MethodDescriptor<String, String> GATHER = method(MethodType.UNARY, "Gather", Utf8.INSTANCE);

    /** What the proxy adds to each request it forwards (and a direct client does not send). */
    static final Metadata.Key<String> FORWARDED_PROTO = Metadata.Key.of("x-forwarded-proto", Metadata.ASCII_STRING_MARSHALLER);

    private static final Context.Key<Metadata> HEADERS = Context.key("request-headers");

    private final Server server;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicReference<Metadata> lastHeaders = new AtomicReference<>();
    private final Map<String, CompletableFuture<Boolean>> hangsArrived = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> hangsCancelled = new ConcurrentHashMap<>();
    private final Map<String, List<StreamObserver<String>>> gatherings = new ConcurrentHashMap<>();

    /** A cleartext (h2c) server. */
    GrpcBackend() throws IOException {
        this(null, null);
    }

    /** A server over TLS (ALPN h2) with {@code cert} and its PKCS#8 {@code key}, or cleartext if both are null. */
    GrpcBackend(Path cert, Path key) throws IOException {
        NettyServerBuilder b = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .maxInboundMessageSize(MAX_MESSAGE)
                .addService(ServerInterceptors.intercept(service(), new MetadataInterceptor()))
                .addTransportFilter(new ServerTransportFilter() {
                    @Override
                    public io.grpc.Attributes transportReady(io.grpc.Attributes attributes) {
                        connections.incrementAndGet();
                        return attributes;
                    }
                });
        if (cert != null) {
            b.sslContext(GrpcSslContexts.forServer(cert.toFile(), key.toFile()).build());
        }
        server = b.build().start();
    }

    String address() {
        return "127.0.0.1:" + server.getPort();
    }

    int port() {
        return server.getPort();
    }

    /** Connections that reached the ready state so far. */
    int connections() {
        return connections.get();
    }

    /** The headers of the last call that arrived. */
    Metadata lastHeaders() {
        return lastHeaders.get();
    }

    /** Whether the {@link #HANG} call {@code id} came with a deadline (grpc-timeout); waits for it to arrive. */
    boolean awaitHang(String id) throws Exception {
        return hangsArrived.computeIfAbsent(id, k -> new CompletableFuture<>()).get(10, TimeUnit.SECONDS);
    }

    /** Returns once the server has seen the {@link #HANG} call {@code id} cancelled; fails after 10 s. */
    void awaitCancelled(String id) throws Exception {
        hangsCancelled.computeIfAbsent(id, k -> new CompletableFuture<>()).get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private ServerServiceDefinition service() {
        return ServerServiceDefinition.builder(SERVICE)
                .addMethod(ECHO, ServerCalls.asyncUnaryCall((text, out) -> {
                    String tag = HEADERS.get().get(TAG);
                    respond(out, text + " tag=" + tag);
                }))
                .addMethod(COUNT, ServerCalls.asyncServerStreamingCall((n, out) -> {
                    for (int i = 1; i <= Integer.parseInt(n); i++) {
                        out.onNext(Integer.toString(i));
                    }
                    out.onCompleted();
                }))
                .addMethod(CONCAT, ServerCalls.asyncClientStreamingCall(out -> new Collector<String>() {
                    private final List<String> parts = new ArrayList<>();

                    @Override
                    public void onNext(String part) {
                        parts.add(part);
                    }

                    @Override
                    public void onCompleted() {
                        respond(out, parts.size() + ": " + String.join("+", parts));
                    }
                }))
                .addMethod(CHAT, ServerCalls.asyncBidiStreamingCall(out -> new Collector<String>() {
                    @Override
                    public void onNext(String message) {
                        out.onNext("ack " + message);
                    }

                    @Override
                    public void onCompleted() {
                        out.onCompleted();
                    }
                }))
                .addMethod(FAIL, ServerCalls.asyncUnaryCall((request, out) -> out.onError(failure(request))))
                .addMethod(FAIL_AFTER, ServerCalls.asyncServerStreamingCall((request, out) -> {
                    String[] parts = request.split(" ", 2);
                    for (int i = 1; i <= Integer.parseInt(parts[0]); i++) {
                        out.onNext(Integer.toString(i));
                    }
                    out.onError(failure(parts[1]));
                }))
                .addMethod(BLOB, ServerCalls.asyncUnaryCall((blob, out) -> respond(out, blob)))
                .addMethod(HANG, ServerCalls.asyncUnaryCall(this::hang))
                .addMethod(GATHER, ServerCalls.asyncUnaryCall(this::gather))
                .build();
    }

    private void hang(String id, StreamObserver<String> out) {
        ((ServerCallStreamObserver<String>) out).setOnCancelHandler(() ->
                hangsCancelled.computeIfAbsent(id, k -> new CompletableFuture<>()).complete(null));
        hangsArrived.computeIfAbsent(id, k -> new CompletableFuture<>()).complete(Context.current().getDeadline() != null);
    }

    private void gather(String request, StreamObserver<String> out) {
        String[] parts = request.split(" ");
        int size = Integer.parseInt(parts[1]);
        List<StreamObserver<String>> group = gatherings.computeIfAbsent(parts[0], k -> new ArrayList<>());
        List<StreamObserver<String>> complete = null;
        synchronized (group) {
            group.add(out);
            if (group.size() == size) {
                complete = List.copyOf(group);
            }
        }
        if (complete != null) {
            for (StreamObserver<String> waiting : complete) {
                respond(waiting, "gathered " + size);
            }
        }
    }

    /** "CODE description" as the exception grpc-java turns into grpc-status, grpc-message and the other trailers. */
    private static RuntimeException failure(String request) {
        String[] parts = request.split(" ", 2);
        Metadata trailers = new Metadata();
        trailers.put(DETAIL, "set by the backend");
        return Status.fromCode(Status.Code.valueOf(parts[0])).withDescription(parts[1]).asRuntimeException(trailers);
    }

    private static <T> void respond(StreamObserver<T> out, T message) {
        out.onNext(message);
        out.onCompleted();
    }

    private static <T> MethodDescriptor<T, T> method(MethodType type, String name, MethodDescriptor.Marshaller<T> marshaller) {
        return MethodDescriptor.newBuilder(marshaller, marshaller).setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name)).build();
    }

    /** A request stream observer whose errors (the client cancelled) need nothing done. */
    private abstract static class Collector<T> implements StreamObserver<T> {
        @Override
        public void onError(Throwable t) {
        }
    }

    /** Keeps the request headers where handlers and tests find them, and adds {@link #SERVED_BY} to every response. */
    private final class MetadataInterceptor implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            lastHeaders.set(headers);
            ServerCall<Q, R> marked = new SimpleForwardingServerCall<>(call) {
                @Override
                public void sendHeaders(Metadata responseHeaders) {
                    responseHeaders.put(SERVED_BY, "grpc-backend");
                    super.sendHeaders(responseHeaders);
                }
            };
            return Contexts.interceptCall(Context.current().withValue(HEADERS, headers), marked, headers, next);
        }
    }

    /** UTF-8 strings as messages. */
    enum Utf8 implements MethodDescriptor.Marshaller<String> {
        INSTANCE;

        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            return new String(RawBytes.INSTANCE.parse(stream), StandardCharsets.UTF_8);
        }
    }

    /** Raw bytes as messages. */
    enum RawBytes implements MethodDescriptor.Marshaller<byte[]> {
        INSTANCE;

        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try (stream) {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
