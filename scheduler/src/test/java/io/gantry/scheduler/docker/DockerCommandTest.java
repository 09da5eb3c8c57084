package io.gantry.scheduler.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DockerCommandTest {

    private static DockerCommand parse(String line) {
        return DockerCommand.parse(List.of(line.split(" ")));
    }

    @Test
    void runReadsTheCommonFlagsInEveryForm() {
        DockerCommand.Run r = (DockerCommand.Run) parse("/usr/bin/docker run --rm -d --name=web -h web -p 127.0.0.1::80 -p 8080:80/udp"
                + " -e A=1 --env B=2 -v /data:/data:ro --restart on-failure:3 --label a=b -l c --network host -it nginx nginx -g x");
        assertEquals("web", r.name());
        assertEquals("web", r.hostname());
        assertTrue(r.remove() && r.detach());
        assertEquals(List.of(new DockerCommand.Publish("127.0.0.1", 0, 80, "tcp"), new DockerCommand.Publish("", 8080, 80, "udp")), r.publish());
        assertEquals(List.of("A=1", "B=2"), r.env());
        assertEquals(List.of("/data:/data:ro"), r.volumes());
        assertEquals("on-failure:3", r.restart());
        assertEquals(Map.of("a", "b", "c", ""), r.labels());
        assertEquals("host", r.network());
        assertEquals("nginx", r.image());
        assertEquals(List.of("nginx", "-g", "x"), r.command());
    }

    @Test
    void otherCommandsKeepTheirOperands() {
        assertEquals(new DockerCommand.Kill(null, List.of("a", "b")), parse("docker kill a b"));
        assertEquals(new DockerCommand.Remove(true, false, List.of("a")), parse("docker rm -f a"));
        assertEquals(new DockerCommand.Stop(5, List.of("a")), parse("docker stop -t 5 a"));
        assertEquals(new DockerCommand.Exec("a", List.of(), null, null, false, List.of("ls", "-l")), parse("docker exec -it a ls -l"));
        assertEquals(new DockerCommand.Pull("nginx"), parse("docker pull nginx"));
    }

    @Test
    void whatCannotBeUnderstoodIsNamed() {
        assertEquals("docker run: unsupported flag --cap-add", assertThrows(IllegalArgumentException.class,
                () -> parse("docker run --cap-add X nginx")).getMessage());
        assertEquals("docker run needs an image", assertThrows(IllegalArgumentException.class, () -> parse("docker run --rm")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("docker run -p 99999:80 x")).getMessage()
                .startsWith("-p 99999:80 is not"));
        assertEquals("docker kill needs a container name", assertThrows(IllegalArgumentException.class, () -> parse("docker kill")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("docker compose up")).getMessage()
                .startsWith("docker compose is not supported"));
    }
}
