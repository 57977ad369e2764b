package io.corral.cloud.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.corral.device.DeviceCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP client of a {@link TestCloud}'s API ({@link TestCloud#api()}): requests with a bearer token, the
 * documented error shape, provisioning through the API, and event streams. Closing it closes its streams.
 */
public final class ApiClient implements AutoCloseable {
    public static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<AutoCloseable> streams = new CopyOnWriteArrayList<>();

    ApiClient(URI base) {
        this.base = base;
    }

    public URI uri(String path) {
        return base.resolve(path);
    }

    /** One HTTP answer. */
    public record Response(int status, String body, HttpResponse<String> raw) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        /** Asserts the documented error shape and returns the description. */
        public String error(int expectedStatus, String expectedCode) {
            assertThat(status).as(body).isEqualTo(expectedStatus);
            assertThat(raw.headers().firstValue("content-type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/json"));
            JsonNode json = json();
            assertThat(json.get("error").asText()).as(body).isEqualTo(expectedCode);
            assertThat(json.size()).as(body).isEqualTo(2);
            return json.get("error_description").asText();
        }
    }

    public Response get(String token, String path) {
        return send(request(token, path).GET());
    }

    public Response post(String token, String path, String json) {
        return send(request(token, path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Response put(String token, String path, String json) {
        return send(request(token, path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Response postForm(String token, String path, String form) {
        return send(request(token, path).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    public Response delete(String token, String path) {
        return send(request(token, path).DELETE());
    }

    public Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body(), response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public HttpRequest.Builder request(String token, String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
        return token == null ? builder : builder.header("Authorization", "Bearer " + token);
    }

    /** Provisions a device through the API and returns its credential file. */
    public DeviceCredentials provision(String token, String body) {
        Response created = post(token, "/v1/devices", body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return DeviceCredentials.fromJson(created.json().get("credentials").toString());
    }

    /** Opens an event stream; its lines arrive in the background. */
    public SseClient stream(String token, String path) {
        SseClient client = SseClient.open(http, request(token, path).GET().build());
        streams.add(client);
        return client;
    }

    /** The admin view of the API's counters. */
    public JsonNode stats(String adminToken) {
        Response stats = get(adminToken, "/v1/ops/stats");
        assertThat(stats.status()).as(stats.body()).isEqualTo(200);
        return stats.json();
    }

    @Override
    public void close() {
        for (AutoCloseable stream : streams) {
            try {
                stream.close();
            } catch (Exception e) {
                // Closing is best effort in tests; the cloud closes after this regardless.
            }
        }
    }
}
