package io.kiln.infra.local.process;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Ready when the server answers an HTTP request at all; the status does not matter (S3 answers 403 to anonymous). */
final class HttpReadiness implements ReadinessProbe {

    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private final URI uri;
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    HttpReadiness(URI uri) {
        this.uri = uri;
    }

    @Override
    public boolean isReady() {
        try {
            client.send(
                    HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.discarding());
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
