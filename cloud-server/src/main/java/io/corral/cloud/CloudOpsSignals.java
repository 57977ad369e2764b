package io.corral.cloud;

import io.corral.cloud.admission.AdmissionStats;
import io.corral.cloud.api.ApiServer;
import io.corral.cloud.coap.DeviceEndpoint;
import io.corral.cloud.events.EventIngress;
import io.corral.cloud.ops.OpsSignals;
import io.corral.cloud.ops.Periodic;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The one adapter between the cloud's parts and its alert rules: live sessions become connected devices, the
 * ingress's count of routed events becomes events published, the admission controller's counters become admitted
 * and deferred handshakes, the API's response counts become the API error rate. Parts that are not running (yet)
 * answer "not available".
 */
final class CloudOpsSignals implements OpsSignals {
    private final Supplier<DeviceEndpoint> endpoint;
    private final EventIngress ingress;
    private final ApiServer api;

    /** {@code api} may be null: a cloud without an HTTP API. */
    CloudOpsSignals(Supplier<DeviceEndpoint> endpoint, EventIngress ingress, ApiServer api) {
        this.endpoint = endpoint;
        this.ingress = ingress;
        this.api = api;
    }

    @Override
    public Optional<ApiResponses> apiResponses() {
        if (api == null) {
            return Optional.empty();
        }
        ApiServer.ResponseCounts counts = api.responseCounts();
        return Optional.of(new ApiResponses(counts.responses(), counts.serverErrors()));
    }

    @Override
    public Optional<Long> connectedDevices() {
        DeviceEndpoint current = endpoint.get();
        return current == null ? Optional.empty() : Optional.of((long) current.sessions().size());
    }

    @Override
    public Optional<Admission> admission() {
        DeviceEndpoint current = endpoint.get();
        if (current == null) {
            return Optional.empty();
        }
        AdmissionStats stats = current.admission().stats();
        return Optional.of(new Admission(stats.admitted(), stats.deferred()));
    }

    @Override
    public Optional<List<Periodic.Task>> periodicTasks() {
        return Optional.of(Periodic.tasks());
    }

    @Override
    public Optional<Long> eventsPublished() {
        return Optional.of(ingress.routedCount());
    }
}
