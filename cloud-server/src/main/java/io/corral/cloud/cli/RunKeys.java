package io.corral.cloud.cli;

import io.corral.cloud.api.ApiServer;
import io.corral.cloud.config.Setting;
import io.corral.cloud.config.SettingType;
import io.corral.cloud.storage.StorageSpec;
import io.corral.protocol.CorralProfile;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The definitions of the cloud-level settings of {@code corral-cloud run}: storage, addresses, the HTTP API and
 * alerting. {@link CloudSetup} maps them onto {@code Cloud.builder()}.
 */
final class RunKeys {
    /** {@code sqlite:DIR} or {@code memory}. */
    /** The storage's own parser ({@link StorageSpec#parse}) checks the value; the setting keeps its text. */
    static final SettingType<String> STORAGE_SPEC = SettingType.of("storage", text -> {
        StorageSpec.parse(text);
        return text.strip();
    }, spec -> spec);

    static final Setting<String> STORAGE = Setting.of("storage", STORAGE_SPEC, CloudSetup.SQLITE + "corral-data",
                    "Where the cloud keeps its registry, tokens, integrations and incidents: sqlite:DIR (SQLite files "
                            + "in DIR; --data DIR is short for it) or memory (nothing on disk).")
            .flag("SPEC", "--storage");

    static final Setting<String> COAP_HOST = Setting.of("coap.host", SettingType.HOST, "0.0.0.0",
            "Address the CoAP/DTLS endpoint binds to.").flag("HOST", "--coap-host");

    static final Setting<Integer> COAP_PORT = Setting.of("coap.port", SettingType.LISTEN_PORT,
            CorralProfile.DEFAULT_PORT, "UDP port of the CoAP/DTLS endpoint; 0 picks a free one.")
            .flag("PORT", "--coap-port");

    static final Setting<Duration> KEEPALIVE = Setting.of("coap.keepalive", SettingType.DURATION,
                    Duration.ofSeconds(CorralProfile.DEFAULT_KEEPALIVE_SECONDS),
                    "Keepalive interval the cloud asks devices for in its hello reply, in whole seconds.")
            .range(Duration.ofSeconds(5), Duration.ofHours(1));

    static final Setting<Boolean> KEEP_CONNECTIONS = Setting.of("dtls.keep-connections", SettingType.BOOLEAN, true,
                    "Save the DTLS connections in the data dir on SIGTERM and load them at start, so devices need no "
                            + "handshake after a planned restart.")
            .flag(null, "--keep-connections");

    static final Setting<String> HTTP_HOST = Setting.of("http.host", SettingType.HOST, "0.0.0.0",
            "Address the HTTP API binds to.").flag("HOST", "--http-host");

    static final Setting<Integer> HTTP_PORT = Setting.of("http.port", SettingType.LISTEN_PORT,
            ApiServer.Builder.DEFAULT_PORT, "TCP port of the HTTP API; 0 picks a free one.").flag("PORT", "--http-port");

    static final Setting<Duration> FUNCTION_TIMEOUT = Setting.of("http.function-timeout", SettingType.DURATION,
                    ApiServer.Builder.DEFAULT_FUNCTION_TIMEOUT,
                    "How long an API function call or variable read waits for the device before answering 408.")
            .range(Duration.ofSeconds(1), Duration.ofMinutes(5));

    static final Setting<Integer> STREAM_BUFFER = Setting.of("http.event-stream.buffer", SettingType.INTEGER,
                    ApiServer.Builder.DEFAULT_STREAM_BUFFER_EVENTS,
                    "Events an SSE client may fall behind by before it is disconnected.")
            .range(1, 100_000).unit("events");

    static final Setting<Duration> STREAM_HEARTBEAT = Setting.of("http.event-stream.heartbeat", SettingType.DURATION,
                    ApiServer.Builder.DEFAULT_STREAM_HEARTBEAT, "Longest silence on an event stream before a heartbeat "
                            + "comment.")
            .range(Duration.ofMillis(100), Duration.ofSeconds(15));

    static final Setting<URI> PAGE_URL = Setting.of("alerting.page-url", SettingType.HTTP_URL, null,
                    "Where pages go, as PagerDuty Events v2 JSON POSTs (PagerDuty: https://events.pagerduty.com/v2/"
                            + "enqueue). Without it, pages are only logged.")
            .flag("URL", "--page-url");

    static final Setting<String> PAGE_ROUTING_KEY = Setting.of("alerting.page-routing-key", SettingType.TEXT,
            "corral", "Routing (integration) key sent with every page.").secret().flag("KEY", "--page-routing-key");

    static final Setting<URI> TICKET_URL = Setting.of("alerting.ticket-url", SettingType.HTTP_URL, null,
                    "Where tickets go, as Slack-compatible incoming-webhook JSON. Without it, tickets are only logged.")
            .flag("URL", "--ticket-url");

    static final Setting<URI> STATUS_URL = Setting.of("alerting.status-url", SettingType.HTTP_URL, null,
                    "Public address of this cloud's status page (/status), linked from pages and tickets.")
            .flag("URL", "--status-url");

    static final Setting<Path> ALERT_CONFIG = Setting.of("alerting.config", SettingType.PATH, null,
                    "Properties file of alert routes and thresholds over the defaults (see the README, \"Alerting and "
                            + "status page\").")
            .flag("FILE", "--alert-config");

    static final Setting<Boolean> ALLOW_NONPAGING = Setting.of("alerting.allow-nonpaging-data-loss-alerts",
                    SettingType.BOOLEAN, false, "Start even if a rule that guards against data loss (worker-down, "
                            + "flow-imbalance, delivery-backlog, file-descriptors) is disabled or does not page.")
            .flag(null, "--allow-nonpaging-data-loss-alerts");

    /** Every cloud-level setting, in documentation order. */
    static final List<Setting<?>> ALL = List.of(STORAGE, COAP_HOST, COAP_PORT, KEEPALIVE, KEEP_CONNECTIONS, HTTP_HOST,
            HTTP_PORT, FUNCTION_TIMEOUT, STREAM_BUFFER, STREAM_HEARTBEAT, PAGE_URL, PAGE_ROUTING_KEY, TICKET_URL,
            STATUS_URL, ALERT_CONFIG, ALLOW_NONPAGING);

    private RunKeys() {
    }
}
