package io.gantry.proxy.forward;

import static io.gantry.proxy.forward.RetryPolicy.Decision.AGAIN_ON_NEW_CONNECTION;
import static io.gantry.proxy.forward.RetryPolicy.Decision.GIVE_UP;
import static io.gantry.proxy.forward.RetryPolicy.Decision.NEXT_BACKEND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private static RetryPolicy.Decision after(boolean pooled, boolean newOnly, boolean headSent, boolean bodySent,
            boolean idempotent) {
        return RetryPolicy.afterFailure(new RetryPolicy.Failure(pooled, newOnly, headSent, bodySent, idempotent, false));
    }

    private static RetryPolicy.Decision unprocessed(boolean newOnly, boolean headSent, boolean bodySent) {
        return RetryPolicy.afterFailure(new RetryPolicy.Failure(false, newOnly, headSent, bodySent, false, true));
    }

    @Test
    void refusedConnectMovesToTheNextBackend() {
        assertEquals(NEXT_BACKEND, after(false, false, false, false, false));
    }

    @Test
    void stalePooledConnectionGoesAgainOnANewOneWithoutCountingATry() {
        assertEquals(AGAIN_ON_NEW_CONNECTION, after(true, false, false, false, false));
        assertEquals(AGAIN_ON_NEW_CONNECTION, after(true, false, true, false, true));
    }

    @Test
    void onlyOneFreeGoOnANewConnection() {
        assertEquals(NEXT_BACKEND, after(true, true, false, false, true));
    }

    @Test
    void postWhoseHeadNeverReachedTheSocketIsRetried() {
        assertEquals(AGAIN_ON_NEW_CONNECTION, after(true, false, false, false, false));
        assertEquals(NEXT_BACKEND, after(false, false, false, false, false));
    }

    @Test
    void postWhoseHeadWasSentIsNotRetried() {
        assertEquals(GIVE_UP, after(true, false, true, false, false));
        assertEquals(GIVE_UP, after(false, false, true, false, false));
    }

    @Test
    void idempotentRequestWhoseHeadWasSentIsRetried() {
        assertEquals(NEXT_BACKEND, after(false, false, true, false, true));
    }

    @Test
    void anyBodySentMeansNoRetryWhateverTheMethod() {
        assertEquals(GIVE_UP, after(true, false, true, true, true));
        assertEquals(GIVE_UP, after(false, true, true, true, true));
    }

    @Test
    void aPostTheBackendDeclinedUnseenGoesAgainOnANewConnectionOnce() {
        assertEquals(AGAIN_ON_NEW_CONNECTION, unprocessed(false, true, false));
        assertEquals(NEXT_BACKEND, unprocessed(true, true, false));
        assertEquals(GIVE_UP, unprocessed(false, true, true), "its body is not kept to send again");
    }

    @Test
    void triesAreBoundedByTheSettingAndTheBackends() {
        assertTrue(RetryPolicy.mayTryAnother(0, 3, 1));
        assertFalse(RetryPolicy.mayTryAnother(1, 3, 1));
        assertTrue(RetryPolicy.mayTryAnother(2, 3, 5));
        assertFalse(RetryPolicy.mayTryAnother(3, 3, 5));
    }

    @Test
    void idempotentMethodsAreThoseOfRfc9110() {
        for (HttpMethod m : new HttpMethod[] {HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS, HttpMethod.PUT,
                HttpMethod.DELETE, HttpMethod.TRACE}) {
            assertTrue(RetryPolicy.isIdempotent(m), m.name());
        }
        assertFalse(RetryPolicy.isIdempotent(HttpMethod.POST));
        assertFalse(RetryPolicy.isIdempotent(HttpMethod.PATCH));
    }
}
