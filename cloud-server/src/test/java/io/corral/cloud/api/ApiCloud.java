package io.corral.cloud.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.corral.cloud.Cloud;
import io.corral.cloud.registry.SqliteTokenStore;
import io.corral.cloud.registry.TokenStore;
import io.corral.device.Device;
import io.corral.device.DeviceCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * A real cloud with its HTTP API on ephemeral loopback ports over a real SQLite data dir, a real HTTP client,
 * and real SDK devices provisioned through the API. Closing it closes streams, devices, then the cloud.
 */
final class ApiCloud implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    private final Path dataDir;
    private final Cloud cloud;
    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();

    ApiCloud(Path dataDir) {
        this(dataDir, builder -> builder);
    }

    ApiCloud(Path dataDir, UnaryOperator<Cloud.Builder> customize) {
        this.dataDir = dataDir;
        cloud = customize.apply(Cloud.builder().dataDir(dataDir).coapHost("127.0.0.1").coapPort(0)
                .httpHost("127.0.0.1").httpPort(0)).build();
        try {
            cloud.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        base = URI.create("http://127.0.0.1:" + cloud.httpAddress().getPort());
    }

    Cloud cloud() {
        return cloud;
    }

    Path dataDir() {
        return dataDir;
    }

    URI uri(String path) {
        return base.resolve(path);
    }

    /** A token issued as {@code corral-cloud token create} issues it: from another connection to the database. */
    String token(String owner) {
        return issue(owner, false, null).token();
    }

    String adminToken(String owner) {
        return issue(owner, true, null).token();
    }

    TokenStore.Issued issue(String owner, boolean admin, Instant expiresAt) {
        try (SqliteTokenStore tokens = SqliteTokenStore.open(dataDir)) {
            return tokens.create(owner, admin, expiresAt);
        }
    }

    /** One HTTP answer. */
    record Response(int status, String body, HttpResponse<String> raw) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        /** Asserts the documented error shape and returns the description. */
        String error(int expectedStatus, String expectedCode) {
            assertThat(status).as(body).isEqualTo(expectedStatus);
            assertThat(raw.headers().firstValue("content-type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/json"));
            JsonNode json = json();
            assertThat(json.get("error").asText()).as(body).isEqualTo(expectedCode);
            assertThat(json.size()).as(body).isEqualTo(2);
            return json.get("error_description").asText();
        }
    }

    Response get(String token, String path) {
        return send(request(token, path).GET());
    }

    Response post(String token, String path, String json) {
        return send(request(token, path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    Response put(String token, String path, String json) {
        return send(request(token, path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    Response postForm(String token, String path, String form) {
        return send(request(token, path).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    Response delete(String token, String path) {
        return send(request(token, path).DELETE());
    }

    Response send(HttpRequest.Builder request) {
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

    HttpRequest.Builder request(String token, String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
        return token == null ? builder : builder.header("Authorization", "Bearer " + token);
    }

    /** Provisions a device through the API and returns its credential file. */
    DeviceCredentials provision(String token, String body) {
        Response created = post(token, "/v1/devices", body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return DeviceCredentials.fromJson(created.json().get("credentials").toString());
    }

    /** An SDK device, not connected yet, on virtual threads with short timeouts. */
    Device device(DeviceCredentials credentials) {
        Device device = Device.builder().credentials(credentials).threadFactory(Thread.ofVirtual().factory())
                .handshakeTimeout(Duration.ofSeconds(5)).requestTimeout(Duration.ofSeconds(10))
                .limits(cloud.limits()).build();
        closeables.add(device);
        return device;
    }

    /** Opens an event stream; its lines arrive in the background. */
    SseClient stream(String token, String path) {
        SseClient client = SseClient.open(http, request(token, path).GET().build());
        closeables.add(client);
        return client;
    }

    /** The admin view of the API's counters. */
    JsonNode stats(String adminToken) {
        Response stats = get(adminToken, "/v1/ops/stats");
        assertThat(stats.status()).as(stats.body()).isEqualTo(200);
        return stats.json();
    }

    @Override
    public void close() {
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                // Closing is best effort in tests; the cloud closes below regardless.
            }
        }
        cloud.close();
    }
}
