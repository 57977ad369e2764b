package io.corral.cloud.api;

import static io.javalin.http.HandlerType.GET;
import static io.javalin.http.HandlerType.POST;

import io.corral.cloud.events.Event;
import io.corral.protocol.EventNames;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Events: {@code POST /v1/devices/events} publishes, and Server-Sent Events streams follow the caller's events:
 * {@code GET /v1/events[/{prefix}]} and {@code GET /v1/devices/events[/{prefix}]} all of them,
 * {@code GET /v1/devices/{id}/events[/{prefix}]} one device's.
 *
 * <p>Each event is {@code event: NAME} and {@code data: {"data","ttl","published_at","coreid"}}. Data published as
 * text or JSON is a string; binary data (octet-stream, CBOR) is base64, marked {@code "data_encoding":"base64"}.
 */
final class EventRoutes {
    /** A year; Particle's API accepts long TTLs, and the TTL is advice to subscribers, not a storage promise. */
    static final int MAX_TTL_SECONDS = 365 * 24 * 3600;
    private static final int CONTENT_FORMAT_JSON = 50;

    private final ApiBackend backend;
    private final int bufferEvents;
    private final Duration heartbeat;
    private final ApiStats stats;
    private final Set<EventStream> streams = ConcurrentHashMap.newKeySet();
    /** The last event encoded and its frame: every stream gets the same event in turn, so it is encoded once. */
    private final AtomicReference<Encoded> lastEncoded = new AtomicReference<>();

    EventRoutes(ApiBackend backend, int bufferEvents, Duration heartbeat, ApiStats stats) {
        this.backend = backend;
        this.bufferEvents = bufferEvents;
        this.heartbeat = heartbeat;
        this.stats = stats;
    }

    /** Add before the device routes: {@code events} must not be taken for a device id or a variable. */
    void addTo(ApiServer.Routes routes) {
        routes.add(POST, "/v1/devices/events", this::publish);
        routes.add(GET, "/v1/events", (ctx, caller) -> stream(ctx, caller, "", null));
        routes.add(GET, "/v1/events/<prefix>", (ctx, caller) -> stream(ctx, caller, ctx.pathParam("prefix"), null));
        routes.add(GET, "/v1/devices/events", (ctx, caller) -> stream(ctx, caller, "", null));
        routes.add(GET, "/v1/devices/events/<prefix>", (ctx, caller) -> stream(ctx, caller, ctx.pathParam("prefix"), null));
        routes.add(GET, "/v1/devices/{id}/events", (ctx, caller) -> deviceStream(ctx, caller, ""));
        routes.add(GET, "/v1/devices/{id}/events/<prefix>",
                (ctx, caller) -> deviceStream(ctx, caller, ctx.pathParam("prefix")));
    }

    /** Ends every open stream; the server is stopping. */
    void closeStreams() {
        streams.forEach(EventStream::close);
    }

    private void publish(Context ctx, Caller caller) {
        RequestBody body = RequestBody.of(ctx).allowOnly("name", "data", "ttl", "private");
        String name = body.requiredString("name");
        String data = body.string("data");
        int ttl = body.integer("ttl", 0, MAX_TTL_SECONDS, Event.DEFAULT_TTL_SECONDS);
        if (!body.bool("private", true)) {
            throw ApiError.badRequest("field 'private' must be true: there are no public events, every event "
                    + "stays with its owner");
        }
        try {
            backend.publish(caller.owner(), name, data, ttl);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
        Json.respond(ctx, 200, Map.of("ok", true));
    }

    private void deviceStream(Context ctx, Caller caller, String prefix) {
        String id = DeviceRoutes.owned(backend, caller, ctx.pathParam("id")).id();
        stream(ctx, caller, prefix, id);
    }

    private void stream(Context ctx, Caller caller, String prefix, String deviceFilter) {
        String bad = EventNames.validatePrefix(prefix, backend.limits());
        if (bad != null) {
            throw ApiError.badRequest(bad);
        }
        EventStream stream = new EventStream(ctx.req(), ctx.res(), bufferEvents, heartbeat, this::encode, stats);
        streams.add(stream);
        try {
            stream.run(() -> backend.subscribe(caller.owner(), prefix, deviceFilter, stream::offer));
        } finally {
            streams.remove(stream);
        }
    }

    private byte[] encode(Event event) {
        Encoded last = lastEncoded.get();
        if (last != null && last.event() == event) {
            return last.frame();
        }
        byte[] frame = frame(event);
        lastEncoded.set(new Encoded(event, frame));
        return frame;
    }

    private record Encoded(Event event, byte[] frame) {
    }

    /** Event names are printable ASCII without line breaks, and JSON escapes them in the data: one line each. */
    static byte[] frame(Event event) {
        Map<String, Object> data = new LinkedHashMap<>();
        boolean text = event.contentFormat() == Event.TEXT_PLAIN || event.contentFormat() == CONTENT_FORMAT_JSON;
        data.put("data", text ? event.dataAsText() : Base64.getEncoder().encodeToString(event.data()));
        if (!text) {
            data.put("data_encoding", "base64");
        }
        data.put("ttl", event.ttlSeconds());
        data.put("published_at", event.publishedAt().truncatedTo(ChronoUnit.MILLIS).toString());
        data.put("coreid", event.deviceId());
        try {
            return ("event: " + event.name() + "\ndata: " + Json.MAPPER.writeValueAsString(data) + "\n\n")
                    .getBytes(StandardCharsets.UTF_8);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot encode event " + event.id(), e);
        }
    }
}
