package io.corral.cloud.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** POSTs a JSON body per notification; 2xx is success, 429 and 5xx are worth a retry, other answers are not. */
abstract class HttpJsonNotifier implements Notifier {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final URI url;
    private final HttpClient client;

    HttpJsonNotifier(URI url) {
        this.url = url;
        this.client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    }

    abstract Map<String, Object> body(Notification notification);

    @Override
    public String target() {
        // Webhook URLs carry their secret in the path: show scheme and host only.
        return url.getScheme() + "://" + url.getAuthority();
    }

    @Override
    public void send(Notification notification) throws IOException, SendFailure {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body(notification))))
                .build();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while sending", e);
        }
        int status = response.statusCode();
        if (status / 100 == 2) {
            return;
        }
        String body = response.body() == null ? "" : response.body();
        throw new SendFailure("HTTP " + status + (body.isBlank() ? "" : ": " + abbreviate(body)),
                status == 429 || status >= 500);
    }

    private static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ").trim();
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
    }
}
