package io.corral.cloud.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Counters of the API; handlers add to them on the hot path, {@code GET /v1/ops/stats} reads them. */
final class ApiStats {
    final LongAdder requests = new LongAdder();
    /** Every response of a route, authenticated or not. */
    final LongAdder responses = new LongAdder();
    /** Responses with a 5xx status: the cloud failed, not the caller. */
    final LongAdder serverErrors = new LongAdder();
    /** Event-stream clients connected now. */
    final LongAdder sseClients = new LongAdder();
    /** Event-stream clients cut off because they fell behind. */
    final LongAdder sseSlowDisconnects = new LongAdder();
    final LongAdder sseEventsSent = new LongAdder();

    Map<String, Object> snapshot() {
        Map<String, Object> snapshot = new LinkedHashMap<>();
        snapshot.put("requests", requests.sum());
        snapshot.put("responses", responses.sum());
        snapshot.put("server_errors", serverErrors.sum());
        snapshot.put("sse_clients", sseClients.sum());
        snapshot.put("sse_slow_disconnects", sseSlowDisconnects.sum());
        snapshot.put("sse_events_sent", sseEventsSent.sum());
        return snapshot;
    }
}
