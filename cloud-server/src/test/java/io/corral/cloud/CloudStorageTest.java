package io.corral.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.cloud.events.Event;
import io.corral.cloud.events.InProcessEventBus;
import io.corral.cloud.integrations.queue.DeliveryQueue;
import io.corral.cloud.integrations.model.IntegrationJson;
import io.corral.cloud.integrations.store.IntegrationStore;
import io.corral.cloud.ops.IncidentStore;
import io.corral.cloud.registry.DeviceRegistry;
import io.corral.cloud.registry.TokenStore;
import io.corral.cloud.registry.UserStore;
import io.corral.cloud.storage.memory.MemoryStorage;
import io.corral.cloud.storage.Storage;
import io.corral.cloud.storage.sqlite.SqliteStorage;
import io.corral.cloud.testkit.HttpSink;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cloud takes its stores from a Storage and its routing from an EventBus, and leaves injected ones open. */
class CloudStorageTest {
    @TempDir
    Path dir;

    /**
     * A storage that is not SQLite as far as the cloud can tell, and keeps no directory: the parts of a
     * {@link SqliteStorage}, which this test closes itself.
     */
    private static final class NoDirectoryStorage implements Storage {
        private final SqliteStorage parts;
        private final AtomicInteger closes = new AtomicInteger();

        NoDirectoryStorage(SqliteStorage parts) {
            this.parts = parts;
        }

        @Override
        public DeviceRegistry registry() {
            return parts.registry();
        }

        @Override
        public TokenStore tokens() {
            return parts.tokens();
        }

        @Override
        public UserStore users() {
            return parts.users();
        }

        @Override
        public IntegrationStore integrations() {
            return parts.integrations();
        }

        @Override
        public DeliveryQueue deliveryQueue() {
            return parts.deliveryQueue();
        }

        @Override
        public IncidentStore incidents() {
            return parts.incidents();
        }

        @Override
        public Optional<Path> directory() {
            return Optional.empty();
        }

        @Override
        public String describe() {
            return "no-directory";
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    @Test
    void a_cloud_on_an_injected_storage_serves_the_api_and_integrations_and_leaves_the_storage_open()
            throws Exception {
        try (SqliteStorage sqlite = SqliteStorage.open(dir); HttpSink sink = HttpSink.start()) {
            NoDirectoryStorage storage = new NoDirectoryStorage(sqlite);
            try (Cloud cloud = Cloud.builder().storage(storage).coapHost("127.0.0.1").coapPort(0)
                    .httpHost("127.0.0.1").httpPort(0).build()) {
                cloud.start();
                assertThat(cloud.registry()).isSameAs(sqlite.registry());
                cloud.integrations().store().create("alice", IntegrationJson.parseSpec("""
                        {"event": "temp", "type": "webhook", "webhook": {"url": "%s"}}""".formatted(sink.url("/in"))));
                String token = storage.tokens().create("alice", false, null).token();

                HttpResponse<String> published = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + cloud.httpAddress().getPort() + "/v1/devices/events"))
                        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"temp/kitchen\", \"data\": \"21.5\"}"))
                        .build(), HttpResponse.BodyHandlers.ofString());

                assertThat(published.statusCode()).as(published.body()).isEqualTo(200);
                assertThat(sink.next().form()).containsEntry("data", "21.5");
            }
            assertThat(storage.closes).as("an injected storage stays the caller's").hasValue(0);
            assertThat(sqlite.registry().cloudKeyPair()).as("still open after the cloud closed").isPresent();
            assertThat(dir.resolve(Cloud.CONNECTIONS_FILE)).as("no directory, so no saved connections")
                    .doesNotExist();
        }
    }

    @Test
    void an_injected_event_bus_routes_every_event_is_counted_and_stays_open() throws Exception {
        BlockingQueue<Event> received = new LinkedBlockingQueue<>();
        try (InProcessEventBus bus = new InProcessEventBus()) {
            bus.subscribe("alice", "news", null, received::add);
            try (Cloud cloud = Cloud.builder().registry(MemoryStorage.open().registry()).eventBus(bus)
                    .coapHost("127.0.0.1").coapPort(0).build()) {
                cloud.start();
                assertThat(cloud.eventBus()).isSameAs(bus);
                cloud.publishFromApi("alice", "news/today", "hello", 60);

                assertThat(received.poll(5, TimeUnit.SECONDS)).extracting(Event::dataAsText).isEqualTo("hello");
                assertThat(cloud.metrics().scrape()).contains("corral_events_published_total 1.0");
            }
            bus.publish(Event.create("news/later", new byte[0], Event.TEXT_PLAIN, 60, "api", "alice"));
            assertThat(received.poll(5, TimeUnit.SECONDS)).as("the cloud did not close the caller's bus")
                    .extracting(Event::name).isEqualTo("news/later");
        }
    }

    @Test
    void a_failed_start_closes_what_it_opened_and_the_cloud() throws IOException {
        int coapPort;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            coapPort = probe.getLocalPort();
        }
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Cloud cloud = Cloud.builder().dataDir(dir).coapHost("127.0.0.1").coapPort(coapPort)
                     .httpHost("127.0.0.1").httpPort(taken.getLocalPort()).build()) {
            assertThatThrownBy(cloud::start).hasMessageStartingWith("cannot start the HTTP API: ");

            try (DatagramSocket again = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    coapPort))) {
                assertThat(again.getLocalPort()).as("the endpoint it had bound is closed again").isEqualTo(coapPort);
            }
            assertThatThrownBy(cloud::start).hasMessage("cloud is closed; build a new one");
        }
    }

    @Test
    void storage_and_data_dir_are_one_setting() {
        try (SqliteStorage sqlite = SqliteStorage.open(dir)) {
            assertThatThrownBy(() -> Cloud.builder().storage(sqlite).dataDir(dir).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("set storage(...) or dataDir(...), not both: dataDir(" + dir
                            + ") is short for a SQLite storage there");
        }
    }
}
