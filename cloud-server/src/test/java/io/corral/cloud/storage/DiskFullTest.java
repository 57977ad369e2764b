package io.corral.cloud.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.cloud.integrations.sqlite.SqliteIntegrationDatabase;
import io.corral.cloud.sqlite.SqliteFiles;
import io.corral.cloud.testkit.ApiClient;
import io.corral.cloud.testkit.Await;
import io.corral.cloud.testkit.HttpSink;
import io.corral.cloud.testkit.SmallDisk;
import io.corral.cloud.testkit.TestCloud;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cloud whose data directory is a real 32 MiB tmpfs, filled to the last byte by a ballast file while events are
 * published through the API and delivered to a real webhook sink. While the disk is full the API answers 503 with
 * {@code Retry-After} (never 500), and {@code /readyz} is not ready; once the ballast is deleted everything resumes
 * by itself, every acknowledged event reaches the sink, and the WAL is back under its limit.
 */
class DiskFullTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void a_full_disk_answers_503_turns_not_ready_and_resumes_by_itself_losing_no_acknowledged_event() throws Exception {
        try (SmallDisk disk = SmallDisk.mount(dir, 32);
             HttpSink sink = HttpSink.start(4);
             TestCloud cloud = TestCloud.builder().dataDir(disk.path().resolve("data")).http().start()) {
            ApiClient api = cloud.api();
            String alice = cloud.token("alice");
            ApiClient.Response created = api.post(alice, "/v1/integrations", """
                    {"event": "sf", "type": "webhook", "webhook": {"url": "%s"}}""".formatted(sink.url("/in")));
            assertThat(created.status()).as(created.body()).isEqualTo(201);

            Set<String> acknowledged = new HashSet<>();
            int next = 0;
            for (; next < 20; next++) {
                assertThat(publish(api, alice, next).status()).isEqualTo(200);
                acknowledged.add(payload(next));
            }
            assertThat(api.get(null, "/readyz").status()).isEqualTo(200);

            disk.fill();
            List<ApiClient.Response> refused = new ArrayList<>();
            // Keep publishing until the storage has refused a few: each answer is either a durable 200 or a 503.
            while (refused.size() < 5) {
                ApiClient.Response r = publish(api, alice, next);
                assertThat(r.status()).as("while the disk is full: %s", r.body()).isIn(200, 503);
                if (r.status() == 200) {
                    acknowledged.add(payload(next));
                } else {
                    refused.add(r);
                }
                next++;
                assertThat(next).as("the full disk never refused a write").isLessThan(100_000);
            }
            ApiClient.Response one = refused.getFirst();
            assertThat(one.raw().headers().firstValue("Retry-After")).hasValue("5");
            assertThat(one.error(503, "unavailable")).contains("storage refuses writes");
            ApiClient.Response notReady = api.get(null, "/readyz");
            assertThat(notReady.status()).isEqualTo(503);
            assertThat(notReady.error(503, "not_ready")).contains("storage refused a write");

            disk.freeBallast();
            int resumed = next;
            Await.until("publishing is acknowledged again", () -> publish(api, alice, resumed).status() == 200, WAIT);
            acknowledged.add(payload(resumed));
            next = resumed + 1;
            for (int i = 0; i < 20; i++, next++) {
                assertThat(publish(api, alice, next).status()).isEqualTo(200);
                acknowledged.add(payload(next));
            }
            Await.until("ready again", () -> api.get(null, "/readyz").status() == 200, WAIT);

            Await.until("every acknowledged event reached the sink", () -> delivered(sink).containsAll(acknowledged),
                    WAIT);
            Set<String> lost = new HashSet<>(acknowledged);
            lost.removeAll(delivered(sink));
            assertThat(lost).as("acknowledged events lost").isEmpty();
            Path wal = disk.path().resolve("data").resolve(SqliteIntegrationDatabase.DATABASE_FILE + "-wal");
            Await.until("the WAL is checkpointed back under its limit",
                    () -> walSize(wal) <= SqliteFiles.JOURNAL_SIZE_LIMIT, WAIT);
            System.out.printf("DiskFullTest: %d events acknowledged, %d refused with 503 while full, 0 lost%n",
                    acknowledged.size(), refused.size());
        }
    }

    @Test
    void after_a_burst_the_queue_wal_is_checkpointed_and_truncated_by_itself() throws Exception {
        try (SqliteIntegrationDatabase db = SqliteIntegrationDatabase.open(dir)) {
            Path wal = dir.resolve(SqliteIntegrationDatabase.DATABASE_FILE + "-wal");
            // 3,000 outbox rows of 8 KiB: about 24 MiB through the WAL.
            String big = "x".repeat(8 * 1024);
            List<java.util.concurrent.CompletableFuture<Void>> writes = new ArrayList<>();
            for (int i = 0; i < 3_000; i++) {
                writes.add(db.appendToOutbox(io.corral.cloud.events.Event.create("burst",
                        big.getBytes(java.nio.charset.StandardCharsets.UTF_8), 0, 60, "d1", "alice")));
            }
            writes.forEach(java.util.concurrent.CompletableFuture::join);
            Await.until("the WAL is truncated under its limit", () -> walSize(wal) <= SqliteFiles.JOURNAL_SIZE_LIMIT,
                    Duration.ofSeconds(30));
            assertThat(db.takeFromOutbox(5_000)).hasSize(3_000);
        }
    }

    private static long walSize(Path wal) {
        try {
            return Files.exists(wal) ? Files.size(wal) : 0;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String payload(int i) {
        return String.format("sf-%07d", i);
    }

    private static ApiClient.Response publish(ApiClient api, String token, int i) {
        return api.postForm(token, "/v1/devices/events", "name=sf&data=" + payload(i));
    }

    private static Set<String> delivered(HttpSink sink) {
        return sink.pending().stream().map(HttpSink.Received::body)
                .flatMap(body -> java.util.regex.Pattern.compile("sf-\\d{7}").matcher(body).results())
                .map(java.util.regex.MatchResult::group).collect(Collectors.toSet());
    }
}
