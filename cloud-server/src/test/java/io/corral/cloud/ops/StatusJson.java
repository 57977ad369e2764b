package io.corral.cloud.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The status page as JSON ({@code GET /v1/status}) of a cloud's HTTP API, read over real HTTP. */
final class StatusJson {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private StatusJson() {
    }

    /** {@code GET path} on the API at {@code api} (such as {@code http://127.0.0.1:8080}). */
    static HttpResponse<String> get(URI api, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(api.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("GET " + api.resolve(path) + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The status page's JSON; fails the test unless it answers 200 with JSON. */
    static JsonNode fetch(URI api) {
        HttpResponse<String> response = get(api, "/v1/status");
        if (response.statusCode() != 200) {
            throw new AssertionError("/v1/status answered " + response.statusCode() + ": " + response.body());
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("/v1/status is not JSON: " + response.body(), e);
        }
    }

    /** A component's state, such as {@code operational} or {@code partial_outage}. */
    static String component(JsonNode status, String name) {
        for (JsonNode c : status.path("components")) {
            if (c.path("name").asText().equals(name)) {
                return c.path("status").asText();
            }
        }
        throw new AssertionError("no component " + name + " in " + status);
    }

    /** A rule's state: {@code ok}, {@code pending}, {@code firing}, {@code disabled} or {@code not_wired}. */
    static String rule(JsonNode status, String key) {
        for (JsonNode r : status.path("rules")) {
            if (r.path("rule").asText().equals(key)) {
                return r.path("state").asText();
            }
        }
        throw new AssertionError("no rule " + key + " in " + status);
    }

    /** The status of the newest incident, such as {@code investigating} or {@code resolved}. */
    static String latestIncident(JsonNode status) {
        return status.path("incidents").path(0).path("status").asText();
    }
}
