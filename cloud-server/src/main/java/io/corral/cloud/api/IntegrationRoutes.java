package io.corral.cloud.api;

import static io.javalin.http.HandlerType.DELETE;
import static io.javalin.http.HandlerType.GET;
import static io.javalin.http.HandlerType.POST;
import static io.javalin.http.HandlerType.PUT;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.corral.cloud.integrations.model.Attempt;
import io.corral.cloud.integrations.model.Integration;
import io.corral.cloud.integrations.model.IntegrationJson;
import io.corral.cloud.integrations.model.IntegrationSpec;
import io.corral.cloud.integrations.Integrations;
import io.corral.cloud.integrations.queue.QueuedDelivery;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /v1/integrations}: create, list, show, replace and delete an owner's webhook and MQTT integrations, see
 * their recent attempts and dead letters, replay dead letters, pause and resume. The body of {@code POST} and
 * {@code PUT} is the JSON of {@link IntegrationJson} (plus {@code owner} for admin tokens acting for another
 * owner); a bad setting answers 400 naming the field. Another owner's integration is 404, as a missing one.
 */
final class IntegrationRoutes {
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 1_000;

    private final ApiBackend backend;

    IntegrationRoutes(ApiBackend backend) {
        this.backend = backend;
    }

    void addTo(ApiServer.Routes routes) {
        routes.add(GET, "/v1/integrations", this::list);
        routes.add(POST, "/v1/integrations", this::create);
        routes.add(GET, "/v1/integrations/{id}", this::show);
        routes.add(PUT, "/v1/integrations/{id}", this::replace);
        routes.add(DELETE, "/v1/integrations/{id}", this::delete);
        routes.add(GET, "/v1/integrations/{id}/attempts", this::attempts);
        routes.add(GET, "/v1/integrations/{id}/dead_letters", this::deadLetters);
        routes.add(POST, "/v1/integrations/{id}/dead_letters/replay", this::replayAll);
        routes.add(POST, "/v1/integrations/{id}/dead_letters/{delivery}/replay", this::replayOne);
        routes.add(POST, "/v1/integrations/{id}/pause", (ctx, caller) -> pause(ctx, caller, true));
        routes.add(POST, "/v1/integrations/{id}/resume", (ctx, caller) -> pause(ctx, caller, false));
        routes.add(GET, "/v1/ops/integrations", this::stats);
    }

    /**
     * The process's delivery counters and the whole queue by state (admin scope): what an operator checks for
     * conservation, queued = delivered + dead-lettered + dropped + still queued.
     */
    private void stats(Context ctx, Caller caller) {
        caller.requireAdmin("GET /v1/ops/integrations");
        Integrations integrations = integrations();
        Json.respond(ctx, 200, Map.of("stats", integrations.stats(), "queue", integrations.queue().counts(null)));
    }

    /** One delivery try, as {@code GET .../attempts} lists it. */
    record AttemptView(long deliveryId, String eventId, int attempt, String at, String outcome, Integer status,
                       long latencyMs, String error, String worker) {
    }

    /** One dead letter, as {@code GET .../dead_letters} lists it. */
    record DeadLetterView(long id, String eventId, String eventName, String deviceId, int attempts, String queuedAt,
                          String deadAt, Integer lastStatus, String lastError) {
    }

    private Integrations integrations() {
        return backend.integrations().orElseThrow(() -> new ApiError(503, "unavailable",
                "this cloud runs no integrations (it has no data dir for their queue)"));
    }

    private void list(Context ctx, Caller caller) {
        String owner = caller.actingOwner(ctx.queryParam("owner"));
        Json.respond(ctx, 200, integrations().store().list(owner).stream().map(IntegrationJson::toJson).toList());
    }

    private void create(Context ctx, Caller caller) {
        ObjectNode body = jsonBody(ctx);
        String owner = caller.actingOwner(takeOwner(body));
        Integration created = integrations().store().create(owner, IntegrationJson.parseSpec(body, null));
        Json.respond(ctx, 201, view(created));
    }

    private void show(Context ctx, Caller caller) {
        Json.respond(ctx, 200, view(find(ctx, caller)));
    }

    private void replace(Context ctx, Caller caller) {
        Integration current = find(ctx, caller);
        ObjectNode body = jsonBody(ctx);
        String owner = takeOwner(body);
        if (owner != null && !owner.equals(current.owner())) {
            throw ApiError.badRequest("field 'owner' cannot change: integration " + current.id() + " belongs to "
                    + current.owner());
        }
        IntegrationSpec spec = IntegrationJson.parseSpec(body, current.spec());
        Json.respond(ctx, 200, view(integrations().store().update(current.id(), spec)));
    }

    private void delete(Context ctx, Caller caller) {
        Integration current = find(ctx, caller);
        integrations().store().delete(current.id());
        Json.respond(ctx, 200, Map.of("ok", true, "id", current.id()));
    }

    private void attempts(Context ctx, Caller caller) {
        Integration current = find(ctx, caller);
        Json.respond(ctx, 200, integrations().queue().recentAttempts(current.id(), limit(ctx)).stream()
                .map(IntegrationRoutes::attemptView).toList());
    }

    private void deadLetters(Context ctx, Caller caller) {
        Integration current = find(ctx, caller);
        Json.respond(ctx, 200, integrations().queue().deadLetters(current.id(), limit(ctx)).stream()
                .map(IntegrationRoutes::deadLetterView).toList());
    }

    private void replayAll(Context ctx, Caller caller) {
        Integration current = find(ctx, caller);
        int replayed = integrations().queue().replayAll(current.id());
        Json.respond(ctx, 200, Map.of("ok", true, "replayed", replayed));
    }

    private void replayOne(Context ctx, Caller caller) {
        Integration current = find(ctx, caller);
        long delivery;
        try {
            delivery = Long.parseLong(ctx.pathParam("delivery"));
        } catch (NumberFormatException e) {
            throw ApiError.notFound("no dead letter '" + ctx.pathParam("delivery") + "' of integration " + current.id());
        }
        integrations().queue().replay(current.id(), delivery);
        Json.respond(ctx, 200, Map.of("ok", true, "replayed", 1));
    }

    private void pause(Context ctx, Caller caller, boolean paused) {
        Integration current = find(ctx, caller);
        Json.respond(ctx, 200, view(integrations().store().setPaused(current.id(), paused)));
    }

    /** The integration, if the caller may see it: its owner's tokens, and admin tokens. */
    private Integration find(Context ctx, Caller caller) {
        String id = ctx.pathParam("id");
        Optional<Integration> found = integrations().store().find(id)
                .filter(i -> caller.admin() || i.owner().equals(caller.owner()));
        return found.orElseThrow(() -> ApiError.notFound("no integration '" + id + "' among the integrations of "
                + caller.owner()));
    }

    /** The integration with its queue counts. */
    private ObjectNode view(Integration integration) {
        return IntegrationJson.toJson(integration, integrations().queue().counts(integration.id()));
    }

    private static AttemptView attemptView(Attempt a) {
        return new AttemptView(a.deliveryId(), a.eventId(), a.attempt(), Json.time(a.at()),
                a.outcome().name().toLowerCase(Locale.ROOT), a.status(), a.latency().toMillis(), a.error(), a.worker());
    }

    private static DeadLetterView deadLetterView(QueuedDelivery d) {
        return new DeadLetterView(d.id(), d.eventId(), d.eventName(), d.deviceId(), d.failures(),
                Json.time(d.queuedAt()), Json.time(d.deadAt()), d.lastStatus(), d.lastError());
    }

    private static int limit(Context ctx) {
        String text = ctx.queryParam("limit");
        if (text == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // fall through to the error
        }
        throw ApiError.badRequest("query parameter 'limit' must be an integer in [1, " + MAX_LIMIT + "], was '"
                + text + "'");
    }

    /** Integration specs nest objects, which a form cannot carry: JSON only. */
    private static ObjectNode jsonBody(Context ctx) {
        String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
        if (!type.isEmpty() && !type.startsWith("application/json")) {
            throw new ApiError(415, "unsupported_media_type", "an integration is sent as application/json, was "
                    + ctx.contentType());
        }
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(ctx.bodyAsBytes());
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiError.badRequest("unreadable request body: " + e.getMessage());
        }
        if (body == null || !body.isObject()) {
            throw ApiError.badRequest("request body must be a JSON object with the integration's settings");
        }
        return (ObjectNode) body;
    }

    private static String takeOwner(ObjectNode body) {
        JsonNode owner = body.remove("owner");
        if (owner == null || owner.isNull()) {
            return null;
        }
        if (!owner.isTextual()) {
            throw ApiError.badRequest("field 'owner' must be a string");
        }
        return owner.textValue();
    }
}
