package io.gantry.proxy.tls;

import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.OpenSslSessionTicketKey;
import io.netty.handler.ssl.SslContext;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * The keys that encrypt TLS session tickets, shared by every certificate's context so a ticket resumes
 * whichever name the client asks for. {@link #rotate} makes a new key the one that encrypts and keeps
 * the previous one to decrypt tickets it issued, so a key is never in use for more than two periods
 * (forward secrecy) while tickets stay valid across a rotation. Only OpenSSL contexts take them; the
 * JDK rotates its own. Owned by one thread.
 */
public final class TicketKeys {

    private static final int KEPT = 2;
    private final SecureRandom random = new SecureRandom();
    private final List<OpenSslSessionTicketKey> keys = new ArrayList<>();

    public TicketKeys() {
        rotate();
    }

    /** A fresh key encrypts from now on; the oldest beyond {@value #KEPT} is forgotten. */
    public void rotate() {
        keys.add(0, new OpenSslSessionTicketKey(bytes(16), bytes(16), bytes(16)));
        while (keys.size() > KEPT) {
            keys.remove(keys.size() - 1);
        }
    }

    /** Gives {@code context} the current keys, the newest first (it encrypts). */
    public void applyTo(SslContext context) {
        if (context.sessionContext() instanceof OpenSslSessionContext openSsl) {
            openSsl.setTicketKeys(keys.toArray(OpenSslSessionTicketKey[]::new));
        }
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
