package io.gantry.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Status;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** What a log line says about an etcd call that failed. */
class ErrorsTest {

    @Test
    void aBareGrpcStatusGivesWayToItsCauseWithoutTheCode() {
        Throwable auth = Status.INVALID_ARGUMENT.withDescription("etcdserver: authentication failed, invalid user ID or password").asRuntimeException();
        Throwable call = Status.UNAUTHENTICATED.withCause(auth).asRuntimeException();
        assertEquals("etcdserver: authentication failed, invalid user ID or password", Errors.describe(new ExecutionException(call)));
    }

    @Test
    void aTlsFailureSaysWhyTheHandshakeFailedOnOneLine() {
        SSLHandshakeException tls = new SSLHandshakeException("PKIX path building failed");
        tls.initCause(new Exception("unable to find valid certification path to requested target"));
        Throwable call = Status.UNAVAILABLE.withDescription("io exception\nChannel Pipeline: [SslHandler#0]").withCause(tls).asRuntimeException();
        assertEquals("TLS handshake failed: unable to find valid certification path to requested target", Errors.describe(call));
    }

    @Test
    void ourOwnMessagesAreLeftAsTheyAre() {
        assertEquals("ETCDCTL_ENDPOINTS: 'x' is not an etcd endpoint", Errors.describe(new IllegalArgumentException("ETCDCTL_ENDPOINTS: 'x' is not an etcd endpoint")));
        assertEquals("lease not found", Errors.describe(new RuntimeException("NOT_FOUND: lease not found")));
        assertEquals("UNAVAILABLE: io exception", Errors.describe(Status.UNAVAILABLE.withDescription("io exception").asRuntimeException()));
    }
}
