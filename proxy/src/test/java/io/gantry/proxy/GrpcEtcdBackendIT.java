package io.gantry.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gantry.testing.ChildProcess;
import io.gantry.testing.EtcdExtension;
import io.gantry.testing.FreePorts;
import io.gantry.testing.Poll;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * gRPC to a backend found in etcd (issue 14): the value {@code {"address":"host:port","protocol":"h2c"}}
 * alone makes the proxy speak HTTP/2 to it, with no --backend-protocol. The calls themselves are
 * {@link GrpcIT}'s; this is only about where the protocol comes from.
 */
class GrpcEtcdBackendIT {

    private static final String PREFIX = "/services/grpc-echo/";

    @RegisterExtension
    static final EtcdExtension etcd = new EtcdExtension();

    @TempDir
    Path dir;

    @Test
    void aBackendWhoseEtcdValueSaysH2cServesGrpcCalls() throws Exception {
        int port = FreePorts.pick();
        List<String> args = new ArrayList<>(List.of("--listen", "127.0.0.1:" + port, "--h2c",
                "--admin", "127.0.0.1:" + FreePorts.pick(), "--prefix", PREFIX));
        args.addAll(etcd.flags());
        try (GrpcBackend backend = new GrpcBackend();
                ChildProcess proxy = ProxyJar.start(List.of(), args, dir.resolve("proxy.log"))) {
            ProxyJar.awaitListening(proxy, port);
            etcd.put(PREFIX + "echo@1", "{\"address\":\"" + backend.address() + "\",\"protocol\":\"h2c\"}");
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
            try {
                // Until the watch brings the key the proxy has no backend: UNAVAILABLE, which Poll retries.
                Poll.until(Duration.ofSeconds(10), "the backend to be served", () ->
                        "first tag=null".equals(ClientCalls.blockingUnaryCall(channel, GrpcBackend.ECHO, deadline(), "first")));
                assertEquals("http", backend.lastHeaders().get(GrpcBackend.FORWARDED_PROTO), "the call came through the proxy");
                List<String> got = new ArrayList<>();
                ClientCalls.blockingServerStreamingCall(channel, GrpcBackend.COUNT, deadline(), "3").forEachRemaining(got::add);
                assertEquals(List.of("1", "2", "3"), got);
                StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () ->
                        ClientCalls.blockingUnaryCall(channel, GrpcBackend.FAIL, deadline(), "NOT_FOUND no echo here"));
                assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode(), e.toString());
                assertEquals("no echo here", e.getStatus().getDescription());
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    private static CallOptions deadline() {
        return CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS);
    }
}
