package io.corral.cloud.cli;

import io.corral.cloud.Cloud;
import io.corral.cloud.admission.AdmissionKeys;
import io.corral.cloud.admission.AdmissionSettings;
import io.corral.cloud.api.AuthKeys;
import io.corral.cloud.api.LoginSettings;
import io.corral.cloud.coap.DtlsSettings;
import io.corral.cloud.config.Catalogue;
import io.corral.cloud.config.Durations;
import io.corral.cloud.config.PicocliSettings;
import io.corral.cloud.config.Setting;
import io.corral.cloud.config.SettingException;
import io.corral.cloud.config.SettingValues;
import io.corral.cloud.integrations.IntegrationKeys;
import io.corral.cloud.integrations.IntegrationSettings;
import io.corral.cloud.integrations.delivery.RetryPolicy;
import io.corral.cloud.ops.AlertConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What {@code corral-cloud run} starts, made from its settings (flags, {@code CORRAL_*} variables, the
 * {@code --config} file, defaults) and checked as a whole before anything is opened: each part is built through
 * its own builder, whose checks are the settings' definitions, and a refusal names the flag, variable or key the
 * value came from.
 */
final class CloudSetup {
    static final String SQLITE = "sqlite:";
    static final String MEMORY = "memory";

    /** Every setting of {@code corral-cloud run}. */
    static final Catalogue CATALOGUE = Catalogue.builder("CORRAL_")
            // The launchers' JVM options and the simulator's settings share the prefix; neither is ours.
            .foreignEnv("CORRAL_JAVA_OPTS").foreignEnv("CORRAL_SIM_")
            .add(RunKeys.ALL).add(AdmissionKeys.ALL).add(IntegrationKeys.ALL).add(AuthKeys.ALL)
            .passThrough(DtlsSettings.SCANDIUM_PREFIX, "Scandium and Californium settings by Californium's own "
                    + "name, such as dtls.scandium.DTLS_RECEIVER_THREAD_COUNT=4 or "
                    + "dtls.scandium.DTLS.RETRANSMISSION_TIMEOUT=2s; durations in the syntax above. The ones the "
                    + "Corral profile sets (role, cipher suites, connection ids, ...) cannot be changed.")
            .build();

    /** Adds the catalogue's flags to a command. */
    static final class Flags implements IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            PicocliSettings.addOptions(spec, CATALOGUE);
            return spec;
        }
    }

    private final SettingValues values;
    private final Path dataDir;
    private final AdmissionSettings admission;
    private final IntegrationSettings integrations;
    private final DtlsSettings dtls;
    private final AlertConfig alerts;

    private CloudSetup(SettingValues values) {
        this.values = values;
        for (Setting<?> setting : CATALOGUE.settings()) {
            values.get(setting); // each value against its own range first, whatever builds it
        }
        String storage = values.get(RunKeys.STORAGE);
        this.dataDir = storage.startsWith(SQLITE) ? Path.of(storage.substring(SQLITE.length())) : null;
        Duration keepalive = values.get(RunKeys.KEEPALIVE);
        if (keepalive.toMillis() % 1000 != 0) {
            throw SettingException.of(RunKeys.KEEPALIVE, name -> name + " must be whole seconds, was "
                    + Durations.format(keepalive));
        }
        this.admission = admission(values);
        this.integrations = integrations(values);
        this.dtls = dtls(values);
        this.alerts = alerts(values);
    }

    /**
     * Checks the settings and builds every part.
     *
     * @throws CommandFailure a usage error naming the flag, variable or key of the first bad value
     */
    static CloudSetup of(SettingValues values) {
        try {
            return new CloudSetup(values);
        } catch (SettingException e) {
            throw new CommandFailure(CloudCli.EXIT_USAGE, values.explain(e));
        }
    }

    SettingValues values() {
        return values;
    }

    /** The data directory of {@code sqlite:DIR}; null for {@code memory}. */
    Path dataDir() {
        return dataDir;
    }

    String storage() {
        return values.get(RunKeys.STORAGE);
    }

    AdmissionSettings admission() {
        return admission;
    }

    IntegrationSettings integrations() {
        return integrations;
    }

    DtlsSettings dtls() {
        return dtls;
    }

    /** Sets everything but the storage on a cloud builder. */
    Cloud.Builder applyTo(Cloud.Builder builder) {
        return builder.coapHost(values.get(RunKeys.COAP_HOST)).coapPort(values.get(RunKeys.COAP_PORT))
                .keepaliveSeconds((int) values.get(RunKeys.KEEPALIVE).toSeconds())
                .keepConnectionsAcrossRestarts(values.get(RunKeys.KEEP_CONNECTIONS))
                .httpHost(values.get(RunKeys.HTTP_HOST)).httpPort(values.get(RunKeys.HTTP_PORT))
                .functionTimeout(values.get(RunKeys.FUNCTION_TIMEOUT))
                .eventStreams(values.get(RunKeys.STREAM_BUFFER), values.get(RunKeys.STREAM_HEARTBEAT))
                .admission(admission).integrations(integrations).dtls(dtls).login(login(values))
                .alerts(alerts).pageUrl(values.get(RunKeys.PAGE_URL))
                .pageRoutingKey(values.get(RunKeys.PAGE_ROUTING_KEY)).ticketUrl(values.get(RunKeys.TICKET_URL))
                .statusUrl(values.get(RunKeys.STATUS_URL))
                .allowNonPagingDataLossAlerts(values.get(RunKeys.ALLOW_NONPAGING));
    }

    /** Where pages and tickets go, for the start-up banner. */
    String alerting() {
        URI page = values.get(RunKeys.PAGE_URL);
        URI ticket = values.get(RunKeys.TICKET_URL);
        return "pages " + (page == null ? "only logged (no --page-url)" : "to " + page.getHost())
                + "; tickets " + (ticket == null ? "only logged (no --ticket-url)" : "to " + ticket.getHost());
    }

    private static AdmissionSettings admission(SettingValues v) {
        AdmissionSettings.Builder builder = AdmissionSettings.builder().mode(v.get(AdmissionKeys.MODE))
                .rate(v.get(AdmissionKeys.RATE)).burst(v.get(AdmissionKeys.BURST))
                .maxInFlight(v.get(AdmissionKeys.IN_FLIGHT))
                .resumptionRate(v.get(AdmissionKeys.RESUMPTION_RATE))
                .resumptionBurst(v.get(AdmissionKeys.RESUMPTION_BURST))
                .handshakeDeadline(v.get(AdmissionKeys.HANDSHAKE_DEADLINE))
                .queueDelayTarget(v.get(AdmissionKeys.QUEUE_DELAY_TARGET))
                .latencyTarget(v.get(AdmissionKeys.LATENCY_TARGET)).queueWait(v.get(AdmissionKeys.QUEUE_WAIT))
                .rateRange(v.get(AdmissionKeys.MIN_RATE), v.get(AdmissionKeys.MAX_RATE))
                .cpuCeiling(v.get(AdmissionKeys.CPU_CEILING)).controlInterval(v.get(AdmissionKeys.CONTROL_INTERVAL));
        // These two follow other settings unless set.
        if (v.isSet(AdmissionKeys.PER_SOURCE)) {
            builder.perSourceInFlight(v.get(AdmissionKeys.PER_SOURCE));
        }
        if (v.isSet(AdmissionKeys.STALL_TIMEOUT)) {
            builder.stallTimeout(v.get(AdmissionKeys.STALL_TIMEOUT));
        }
        return builder.build();
    }

    private static IntegrationSettings integrations(SettingValues v) {
        Duration initialDelay = v.get(IntegrationKeys.RETRY_INITIAL_DELAY);
        Duration maxDelay = IntegrationKeys.RETRY_MAX_DELAY.check(v.get(IntegrationKeys.RETRY_MAX_DELAY),
                initialDelay, IntegrationKeys.RETRY_MAX_DELAY.max());
        return IntegrationSettings.builder().workers(v.get(IntegrationKeys.WORKERS))
                .batchSize(v.get(IntegrationKeys.BATCH_SIZE)).leaseTime(v.get(IntegrationKeys.LEASE_TIME))
                .pollInterval(v.get(IntegrationKeys.POLL_INTERVAL)).hangTimeout(v.get(IntegrationKeys.HANG_TIMEOUT))
                .maxInFlight(v.get(IntegrationKeys.MAX_IN_FLIGHT))
                .maxConnectionsPerDestination(v.get(IntegrationKeys.MAX_CONNECTIONS_PER_DESTINATION))
                .maxQueuedPerDestination(v.get(IntegrationKeys.MAX_QUEUED_PER_DESTINATION))
                .httpThreads(v.get(IntegrationKeys.HTTP_THREADS)).connectTimeout(v.get(IntegrationKeys.CONNECT_TIMEOUT))
                .idleTimeout(v.get(IntegrationKeys.IDLE_TIMEOUT))
                .maxResponseBytes(v.get(IntegrationKeys.MAX_RESPONSE_BYTES))
                .mqttTimeout(v.get(IntegrationKeys.MQTT_TIMEOUT))
                .retry(new RetryPolicy(initialDelay, maxDelay, v.get(IntegrationKeys.RETRY_FOR)))
                .circuitBreaker(v.get(IntegrationKeys.BREAKER_THRESHOLD), v.get(IntegrationKeys.BREAKER_OPEN),
                        v.get(IntegrationKeys.BREAKER_MAX_OPEN))
                .fdWatchdog(v.get(IntegrationKeys.FD_HIGH_WATER), v.get(IntegrationKeys.FD_LOW_WATER),
                        v.get(IntegrationKeys.FD_INTERVAL))
                .indexRefresh(v.get(IntegrationKeys.INDEX_REFRESH)).build();
    }

    private static LoginSettings login(SettingValues v) {
        return new LoginSettings(v.get(AuthKeys.ACCEPTED_CLIENT_IDS), v.get(AuthKeys.TOKEN_LIFETIME),
                v.get(AuthKeys.LOGIN_FAILURES), v.get(AuthKeys.LOGIN_FAILURE_WINDOW));
    }

    private static DtlsSettings dtls(SettingValues v) {
        DtlsSettings.Builder builder = DtlsSettings.builder();
        for (Map.Entry<String, String> entry : v.passThrough(DtlsSettings.SCANDIUM_PREFIX).entrySet()) {
            try {
                builder.scandium(entry.getKey(), entry.getValue());
            } catch (IllegalArgumentException e) {
                throw new CommandFailure(CloudCli.EXIT_USAGE, v.passThroughOrigin(DtlsSettings.SCANDIUM_PREFIX
                        + entry.getKey()) + ": " + e.getMessage());
            }
        }
        return builder.build();
    }

    private static AlertConfig alerts(SettingValues v) {
        Path file = v.get(RunKeys.ALERT_CONFIG);
        try {
            return file == null ? AlertConfig.defaults() : AlertConfig.load(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + v.origin(RunKeys.ALERT_CONFIG) + " " + file + ": "
                    + e.getMessage(), e);
        }
    }
}
