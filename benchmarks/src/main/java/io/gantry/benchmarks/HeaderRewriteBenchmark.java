package io.gantry.benchmarks;

import io.gantry.proxy.forward.h1.HeaderRewriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Writing a browser's decoded request head for a backend, rewritten on the way (hop-by-hop headers out,
 * X-Forwarded-* in; responses are not decoded, ForwardingBenchmark covers them), into a pooled buffer
 * that is released at once.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HeaderRewriteBenchmark {

    private final HttpHeaders browserRequest = DefaultHttpHeadersFactory.headersFactory().newHeaders()
            .add("Host", "www.example.com")
            .add("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36")
            .add("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
            .add("Accept-Encoding", "gzip, deflate, br")
            .add("Accept-Language", "en-GB,en;q=0.9")
            .add("Cookie", "session=0123456789abcdef")
            .add("Upgrade-Insecure-Requests", "1")
            .add("Connection", "keep-alive");

    private final HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/", browserRequest);

    @Benchmark
    public int rewriteRequest() {
        ByteBuf head = HeaderRewriter.requestHead(ByteBufAllocator.DEFAULT, request, false, "127.0.0.1", null);
        int size = head.readableBytes();
        head.release();
        return size;
    }
}
