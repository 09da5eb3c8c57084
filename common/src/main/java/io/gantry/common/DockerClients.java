package io.gantry.common;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.net.URI;
import java.time.Duration;

/** A docker-java client the way Gantry's programs use one: the Apache HTTP transport, bounded waits. */
public final class DockerClients {

    private DockerClients() {
    }

    /**
     * Connects to the engine at {@code host} ({@code unix:///var/run/docker.sock}, {@code tcp://...});
     * connecting may take 3 s, one response {@code responseTimeout}.
     */
    public static DockerClient connect(URI host, Duration responseTimeout) {
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(host.toString()).build();
        return DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .connectionTimeout(Duration.ofSeconds(3))
                .responseTimeout(responseTimeout)
                .build());
    }
}
