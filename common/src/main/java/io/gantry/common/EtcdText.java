package io.gantry.common;

import io.etcd.jetcd.ByteSequence;
import java.nio.charset.StandardCharsets;

/** etcd keys and values are bytes; Gantry's are UTF-8 text. */
public final class EtcdText {

    private EtcdText() {
    }

    public static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }

    public static String text(ByteSequence bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
