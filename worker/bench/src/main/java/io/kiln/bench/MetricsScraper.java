package io.kiln.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;

/** Reads the worker's Prometheus endpoint, for its own denoising time and retry counts. */
final class MetricsScraper implements AutoCloseable {
    private final HttpClient http = HttpClient.newHttpClient();
    private final URI uri;

    MetricsScraper(int port) {
        this.uri = URI.create("http://127.0.0.1:" + port + "/metrics");
    }

    /** The samples without labels, by name. */
    Map<String, Double> scrape() throws IOException, InterruptedException {
        String text = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
                .body();
        Map<String, Double> samples = new HashMap<>();
        for (String line : text.lines().toList()) {
            String[] parts = line.split(" ");
            if (!line.startsWith("#") && parts.length >= 2 && !parts[0].contains("{")) {
                samples.put(parts[0], Double.parseDouble(parts[1]));
            }
        }
        return samples;
    }

    @Override
    public void close() {
        http.close();
    }
}
