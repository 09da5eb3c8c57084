package io.gantry.scheduler.ctl;

import io.gantry.scheduler.state.Machine;
import io.gantry.scheduler.state.Store;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code ctl journal}: finds the machine a unit is assigned to and prints what its agent's journal
 * API ({@code list-machines}' API column) answers: the unit's last lines, and with {@code follow}
 * what comes after, until interrupted.
 */
final class JournalClient {

    private final Store store;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    JournalClient(Store store, PrintStream out) {
        this.store = store;
        this.out = out;
    }

    void print(String unit, int lines, boolean follow) {
        if (lines < 0) {
            throw new IllegalArgumentException("--lines " + lines + ": give 0 or more");
        }
        if (store.unit(unit).isEmpty()) {
            throw new IllegalArgumentException("unit " + unit + " is not submitted");
        }
        Map<String, Machine> machines = store.machines();
        List<String> where = List.copyOf(store.assignments().getOrDefault(unit, Map.of()).keySet());
        if (where.isEmpty()) {
            throw new IllegalStateException("unit " + unit + " is not on any machine (it is inactive, or not placed yet)");
        }
        if (follow && where.size() > 1) {
            throw new IllegalArgumentException("unit " + unit + " runs on " + where.size() + " machines; -f follows one: name none, or use --lines");
        }
        for (String id : where) {
            Machine m = Listings.machine(machines, id);
            if (where.size() > 1) {
                out.println("-- " + m.label() + " --");
            }
            if (m.api() == null) {
                throw new IllegalStateException("machine " + m.label() + " serves no journal (its agent runs with --api off, or is gone)");
            }
            read(unit, m, lines, follow);
        }
    }

    private void read(String unit, Machine m, int lines, boolean follow) {
        URI uri = URI.create("http://" + m.api() + "/journal/" + URLEncoder.encode(unit, StandardCharsets.UTF_8)
                + "?lines=" + lines + (follow ? "&follow=true" : ""));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET();
        if (!follow) {
            request.timeout(Duration.ofSeconds(30));
        }
        try {
            HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (BufferedReader body = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                if (response.statusCode() != 200) {
                    String why = body.readLine();
                    throw new IllegalStateException("journal of " + unit + " on " + m.label() + ": " + (why == null ? "HTTP " + response.statusCode() : why));
                }
                String line;
                while ((line = body.readLine()) != null) {
                    out.println(line);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("journal of " + unit + " on " + m.label() + " at " + m.api() + ": "
                    + io.gantry.common.Errors.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
