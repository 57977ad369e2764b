package io.corral.cloud;

import io.corral.cloud.admission.AdmissionSettings;
import io.corral.cloud.api.ApiServer;
import io.corral.cloud.coap.DtlsSettings;
import io.corral.cloud.events.EventBus;
import io.corral.cloud.integrations.queue.DeliveryQueue;
import io.corral.cloud.integrations.IntegrationSettings;
import io.corral.cloud.integrations.store.IntegrationStore;
import io.corral.cloud.ops.AlertConfig;
import io.corral.cloud.ops.OpsSignals;
import io.corral.cloud.registry.DeviceRegistry;
import io.corral.cloud.storage.Storage;
import io.corral.protocol.Limits;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What {@link CloudBuilder#build()} checked, frozen, for {@link CloudParts} to open. Injected parts
 * ({@code storage}, {@code registry}, {@code eventBus}, {@code queue} and {@code store}) are null when not
 * injected; {@code api} is null when the HTTP API is off.
 */
record CloudSpec(InetSocketAddress coapBind, Limits limits, int keepaliveSeconds, AdmissionSettings admission,
                 DtlsSettings dtls, boolean keepConnections, Storage storage, Path dataDir, DeviceRegistry registry,
                 EventBus eventBus, IntegrationSettings integrations, DeliveryQueue queue, IntegrationStore store, ApiServer api,
                 Alerting alerting) {

    /** The alerting settings, kept until {@link Cloud#start()} creates the {@link io.corral.cloud.ops.Ops}. */
    record Alerting(boolean on, AlertConfig config, URI pageUrl, String pageRoutingKey, URI ticketUrl,
                    URI statusUrl, boolean allowNonPagingDataLoss, OpsSignals signals, int notifierAttempts,
                    Duration notifierBackoff, Duration notifierMaxBackoff) {
    }
}
