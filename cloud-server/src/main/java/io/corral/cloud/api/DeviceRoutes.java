package io.corral.cloud.api;

import static io.javalin.http.HandlerType.GET;
import static io.javalin.http.HandlerType.POST;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.corral.cloud.coap.DeviceCallException;
import io.corral.cloud.registry.DeviceRecord;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The caller's devices: {@code GET /v1/devices}, {@code GET /v1/devices/{id}}, function calls
 * ({@code POST /v1/devices/{id}/{function}}) and variable reads ({@code GET /v1/devices/{id}/{variable}}). Calls
 * block the request's virtual thread until the device answers or the function timeout passes.
 */
final class DeviceRoutes {
    private final ApiBackend backend;
    private final Duration callTimeout;

    DeviceRoutes(ApiBackend backend, Duration callTimeout) {
        this.backend = backend;
        this.callTimeout = callTimeout;
    }

    /** Add after the event-stream routes, whose fixed segments ({@code events}) must win over these parameters. */
    void addTo(ApiServer.Routes routes) {
        routes.add(GET, "/v1/devices", this::list);
        routes.add(GET, "/v1/devices/{id}", this::get);
        routes.add(POST, "/v1/devices/{id}/{function}", this::call);
        routes.add(GET, "/v1/devices/{id}/{variable}", this::read);
    }

    /** The answer to a function call, as Particle's API gives it; {@code name} is the device's. */
    record Called(String id, String name, boolean connected, int returnValue) {
    }

    /** The answer to a variable read, with Particle's camelCase {@code coreInfo}. */
    record Read(String name, JsonNode result, @JsonProperty("coreInfo") CoreInfo coreInfo) {
    }

    /** The device a variable was read from. */
    record CoreInfo(@JsonProperty("deviceID") String deviceId, String name, boolean connected, String lastHeard,
                    String lastHandshakeAt, String firmware, String product) {
    }

    private void list(Context ctx, Caller caller) {
        Json.respond(ctx, 200, backend.registry().listByOwner(caller.owner()).stream()
                .map(d -> DeviceView.of(d, backend.presence(d.id()))).toList());
    }

    private void get(Context ctx, Caller caller) {
        DeviceRecord device = owned(backend, caller, ctx.pathParam("id"));
        Json.respond(ctx, 200, DeviceView.of(device, backend.presence(device.id())));
    }

    private void call(Context ctx, Caller caller) throws InterruptedException {
        DeviceRecord device = owned(backend, caller, ctx.pathParam("id"));
        String function = ctx.pathParam("function");
        String arg = RequestBody.of(ctx).allowOnly("arg").string("arg");
        arg = arg == null ? "" : arg;
        int max = backend.limits().maxFunctionArgBytes();
        int bytes = arg.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > max) {
            throw new ApiError(400, "argument_too_long", "field 'arg' must be at most " + max
                    + " bytes of UTF-8, was " + bytes);
        }
        int result = await(backend.callFunction(device.id(), function, arg, callTimeout), device, "function", function);
        Json.respond(ctx, 200, new Called(device.id(), device.name(), true, result));
    }

    private void read(Context ctx, Caller caller) throws InterruptedException {
        DeviceRecord device = owned(backend, caller, ctx.pathParam("id"));
        String variable = ctx.pathParam("variable");
        String json = await(backend.readVariable(device.id(), variable, callTimeout), device, "variable", variable);
        JsonNode value;
        try {
            value = Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ApiError(502, "device_error", "device " + device.id() + " answered variable '" + variable
                    + "' with a value that is not JSON: " + e.getOriginalMessage());
        }
        Optional<DevicePresence> presence = backend.presence(device.id());
        CoreInfo info = new CoreInfo(device.id(), device.name(), presence.isPresent(), Json.time(device.lastSeen()),
                presence.map(p -> Json.time(p.connectedSince())).orElse(null),
                presence.map(DevicePresence::firmware).orElse(null), presence.map(DevicePresence::product).orElse(null));
        Json.respond(ctx, 200, new Read(variable, value, info));
    }

    /** Waits for the device's answer and turns each way it can fail into the error the API documents. */
    private <T> T await(CompletableFuture<T> answer, DeviceRecord device, String kind, String name)
            throws InterruptedException {
        try {
            return answer.get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof DeviceCallException failure)) {
                throw new IllegalStateException("call to device " + device.id() + " failed", e.getCause());
            }
            String id = device.id();
            throw switch (failure.reason()) {
                case OFFLINE -> new ApiError(409, "device_offline", "device " + id + " is offline: it is not "
                        + "connected to the cloud now; try again once it reconnects");
                case TIMEOUT -> new ApiError(408, "timed_out", "device " + id + " did not answer " + kind + " '"
                        + name + "' within " + callTimeout.toMillis() + " ms");
                case NOT_FOUND -> ApiError.notFound("device " + id + " has no " + kind + " '" + name + "'");
                case ARGUMENT_TOO_LONG -> new ApiError(400, "argument_too_long", failure.getMessage());
                case HANDLER_FAILED -> new ApiError(502, "function_failed", "the " + kind + " '" + name
                        + "' of device " + id + " failed on the device: " + failure.getMessage());
                case OTHER -> new ApiError(502, "device_error", failure.getMessage());
            };
        }
    }

    /**
     * The caller's device with this id. Another owner's device is reported exactly as a missing one, so a token
     * cannot learn which ids exist elsewhere.
     */
    static DeviceRecord owned(ApiBackend backend, Caller caller, String id) {
        return backend.registry().findById(id).filter(d -> d.owner().equals(caller.owner()))
                .orElseThrow(() -> ApiError.notFound("no device '" + id + "' among the devices of " + caller.owner()));
    }
}
