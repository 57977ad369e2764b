package io.corral.cloud.api;

import io.corral.cloud.api.Json.ErrorBody;
import io.corral.cloud.integrations.IntegrationException;
import io.corral.cloud.ops.StatusPage;
import io.corral.cloud.registry.RegistryException;
import io.corral.cloud.sqlite.WriteRefusal;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cloud's HTTP API, shaped after the Particle Device Cloud API: devices, function calls, variable reads,
 * events (publish and Server-Sent Events streams), provisioning, access tokens and Particle's login
 * ({@code POST /oauth/token}, {@code GET /v1/user}), plus {@code /healthz} and
 * {@code /readyz}, and, when the cloud runs alerting, the public status page ({@code /status} as HTML,
 * {@code /v1/status} as JSON). Javalin on Jetty 12; request handlers run on virtual threads, so a handler that waits for a
 * device blocks nothing but itself.
 *
 * <pre>{@code
 * ApiServer api = ApiServer.builder().host("127.0.0.1").port(0).build();
 * api.start(backend);
 * URI base = URI.create("http://127.0.0.1:" + api.address().getPort());
 * // GET base/v1/devices with "Authorization: Bearer TOKEN"
 * api.close();
 * }</pre>
 *
 * <p>Every error is {@code {"error": CODE, "error_description": TEXT}} with its HTTP status; unknown routes are
 * a JSON 404. Owners are isolated: a token sees its owner's devices, events and tokens only, and another owner's
 * device answers 404, exactly as one that does not exist.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
    /** Big enough for a bulk provisioning request of {@value ProvisioningRoutes#MAX_BULK_DEVICES} public keys. */
    static final long MAX_REQUEST_BYTES = 16L * 1024 * 1024;

    private final Settings settings;
    /** What the login throttle counts its windows by. */
    private final Clock clock;
    private final ApiStats stats = new ApiStats();
    /** How long a client waits after a write the disk refused, and how long {@code /readyz} stays not-ready. */
    static final Duration STORAGE_RETRY_AFTER = Duration.ofSeconds(5);
    private final java.util.concurrent.atomic.LongAdder writeRefusals = new java.util.concurrent.atomic.LongAdder();
    private volatile long lastWriteRefusal;
    private final ReentrantLock lifecycle = new ReentrantLock();
    private Javalin app;
    private EventRoutes events;
    private volatile InetSocketAddress address;
    private boolean closed;

    private ApiServer(Builder builder) {
        this.settings = new Settings(builder.host, builder.port, builder.functionTimeout, builder.advertisedCoapHost,
                builder.streamBufferEvents, builder.streamHeartbeat, builder.login);
        this.clock = builder.clock;
    }

    /** The settings of a built server, checked by {@link Builder#build()}. */
    private record Settings(String host, int port, Duration functionTimeout, String advertisedCoapHost,
                            int streamBufferEvents, Duration streamHeartbeat, LoginSettings login) {
    }

    /** A builder with the defaults documented on {@link Builder}. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds the port and starts serving the cloud behind {@code backend}.
     *
     * @throws IllegalStateException if already started or closed
     * @throws io.javalin.util.JavalinException if the port cannot be bound
     */
    public void start(ApiBackend backend) {
        Objects.requireNonNull(backend, "backend");
        lifecycle.lock();
        try {
            if (app != null || closed) {
                throw new IllegalStateException(closed ? "API server is closed" : "API server already started");
            }
            events = new EventRoutes(backend, settings.streamBufferEvents(), settings.streamHeartbeat(), stats);
            Javalin created = Javalin.create(config -> {
                config.startup.showJavalinBanner = false;
                config.startup.showOldJavalinVersionWarning = false;
                config.jetty.host = settings.host();
                config.jetty.port = settings.port();
                config.jetty.threadPool = threadPool();
                config.http.maxRequestSize = MAX_REQUEST_BYTES;
                config.http.prefer405over404 = true;
                config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
                routes(config.routes, backend);
            });
            created.start();
            app = created;
            address = new InetSocketAddress(settings.host(), created.port());
            log.info("HTTP API listening on {}", address);
        } finally {
            lifecycle.unlock();
        }
    }

    /**
     * Jetty keeps its selectors on platform threads and hands each request to a new virtual thread: waiting for a
     * device or writing to a slow client then costs no pooled thread.
     */
    private static QueuedThreadPool threadPool() {
        QueuedThreadPool pool = new QueuedThreadPool(16, 4);
        pool.setName("corral-http");
        pool.setVirtualThreadsExecutor(Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("corral-http-", 0).factory()));
        return pool;
    }

    private void routes(RoutesConfig routes, ApiBackend backend) {
        LoginThrottle throttle = new LoginThrottle(settings.login().loginFailures(),
                settings.login().loginFailureWindow(), clock);
        Authenticator authenticator = new Authenticator(backend.tokens(), backend.users(), throttle);
        OAuthRoutes oauth = new OAuthRoutes(backend.tokens(), backend.users(), settings.login(), throttle);
        routes.exception(ApiError.class, (e, ctx) -> error(ctx, e.status(), e.code(), e.getMessage()));
        routes.exception(RegistryException.class, (e, ctx) -> {
            switch (e.reason()) {
                case INVALID_INPUT -> error(ctx, 400, "invalid_request", e.getMessage());
                case NOT_FOUND -> error(ctx, 404, "not_found", e.getMessage());
                case CONFLICT -> error(ctx, 409, "conflict", e.getMessage());
                case STORAGE -> storageFailed(ctx, e, "the cloud's database failed; the log of the cloud says why");
            }
        });
        routes.exception(IntegrationException.class, (e, ctx) -> {
            switch (e.reason()) {
                case INVALID_INPUT -> error(ctx, 400, "invalid_request", e.getMessage());
                case NOT_FOUND -> error(ctx, 404, "not_found", e.getMessage());
                case CONFLICT -> error(ctx, 409, "conflict", e.getMessage());
                case OVERLOADED -> {
                    ctx.header("Retry-After", "1");
                    error(ctx, 503, "unavailable", e.getMessage());
                }
                case STORAGE -> storageFailed(ctx, e, "the cloud's integrations database failed; the log of the cloud"
                        + " says why");
            }
        });
        routes.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), ApiError.codeFor(e.getStatus()),
                describe(e, ctx)));
        routes.exception(Exception.class, (e, ctx) -> {
            log.warn("{} {} failed", ctx.method(), ctx.path(), e);
            error(ctx, 500, "internal_error", "the cloud failed to handle this request; the log of the cloud says why");
        });
        routes.after(ctx -> {
            stats.responses.increment();
            if (ctx.statusCode() >= 500) {
                stats.serverErrors.increment();
            }
        });
        routes.get("/healthz", ctx -> Json.respond(ctx, 200, Map.of("status", "ok")));
        routes.get("/readyz", ctx -> ready(ctx, backend));
        // Unauthenticated, as Prometheus scrapes it: counts and rates, nothing about any device or owner.
        routes.get("/metrics", ctx -> ctx.contentType(ApiBackend.METRICS_CONTENT_TYPE).result(backend.metrics()));
        backend.ops().ifPresent(ops -> {
            // Public on purpose, like any status page: it shows component states and incidents, no owner data.
            routes.get("/status", ctx -> ctx.contentType("text/html; charset=utf-8")
                    .header("Cache-Control", "no-cache").result(StatusPage.html(ops.status())));
            routes.get("/v1/status", ctx -> Json.respond(ctx, 200, StatusPage.json(ops.status())));
        });
        oauth.addUnauthenticated(routes);
        // Particle takes a username and password (HTTP Basic) on its token endpoints; everywhere else, a token.
        Routes authed = (method, path, handler) -> routes.addHttpHandler(method, path, ctx -> {
            stats.requests.increment();
            handler.handle(ctx, authenticator.authenticate(ctx, path.startsWith("/v1/access_tokens")));
        });
        new TokenRoutes(backend.tokens()).addTo(authed);
        oauth.addTo(authed);
        new ProvisioningRoutes(backend, settings.advertisedCoapHost()).addTo(authed);
        // Javalin takes the first route that matches: the fixed 'events' segments go before device ids.
        events.addTo(authed);
        new DeviceRoutes(backend, settings.functionTimeout()).addTo(authed);
        new IntegrationRoutes(backend).addTo(authed);
        authed.add(HandlerType.GET, "/v1/ops/stats", (ctx, caller) -> {
            caller.requireAdmin("GET /v1/ops/stats");
            Json.respond(ctx, 200, stats.snapshot());
        });
    }

    /**
     * A disk that refuses writes (full, read-only, failing) is temporary for the client: 503 with Retry-After, and
     * {@code /readyz} says not-ready until a while passes without another refusal. Anything else is a 500.
     */
    private void storageFailed(Context ctx, Exception e, String otherwise) {
        if (WriteRefusal.isDiskFault(e)) {
            lastWriteRefusal = System.nanoTime();
            writeRefusals.increment();
            log.warn("{} {}: storage refuses writes: {}", ctx.method(), ctx.path(), e.getMessage());
            ctx.header("Retry-After", Long.toString(STORAGE_RETRY_AFTER.toSeconds()));
            error(ctx, 503, "unavailable", "the cloud's storage refuses writes (disk full or failing); nothing was"
                    + " stored; retry in " + STORAGE_RETRY_AFTER.toSeconds() + " s");
            return;
        }
        log.warn("{} {}: storage failed", ctx.method(), ctx.path(), e);
        error(ctx, 500, "storage_error", otherwise);
    }

    /** Why {@code /readyz} is not ready because of storage, or null. */
    private String storageNotReady() {
        long at = lastWriteRefusal;
        if (writeRefusals.sum() == 0 || System.nanoTime() - at > STORAGE_RETRY_AFTER.toNanos()) {
            return null;
        }
        return "storage refused a write " + Duration.ofNanos(System.nanoTime() - at).toMillis()
                + " ms ago (disk full or failing)";
    }

    private void ready(Context ctx, ApiBackend backend) {
        String reason;
        try {
            // A lookup that misses the cache reads the database: proves the registry answers.
            backend.registry().findById("000000000000000000000000");
            reason = backend.notReadyReason().orElse(storageNotReady());
        } catch (RuntimeException e) {
            reason = "the registry does not answer: " + e.getMessage();
        }
        if (reason != null) {
            error(ctx, 503, "not_ready", reason);
        } else {
            Json.respond(ctx, 200, Map.of("status", "ready"));
        }
    }

    private static void error(Context ctx, int status, String code, String description) {
        if (status == 401) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"corral\", error=\"invalid_token\"");
        }
        Json.respond(ctx, status, new ErrorBody(code, description));
    }

    private static String describe(HttpResponseException e, Context ctx) {
        return switch (e.getStatus()) {
            case 404 -> "no such endpoint: " + ctx.method() + " " + ctx.path();
            case 405 -> ctx.method() + " is not allowed on " + ctx.path();
            case 413 -> "request body is larger than " + MAX_REQUEST_BYTES + " bytes";
            default -> e.getMessage();
        };
    }

    /** Responses sent since start, and how many of them were 5xx, for the {@code api-errors} alert rule. */
    public ResponseCounts responseCounts() {
        return new ResponseCounts(stats.responses.sum(), stats.serverErrors.sum());
    }

    /**
     * Counts of API responses since start.
     *
     * @param responses    every response of a route
     * @param serverErrors responses with a 5xx status
     */
    public record ResponseCounts(long responses, long serverErrors) {
    }

    /** The address the API listens on; with port 0, the ephemeral port it got. */
    public InetSocketAddress address() {
        InetSocketAddress current = address;
        if (current == null) {
            throw new IllegalStateException("API server is not started; call start() first");
        }
        return current;
    }

    /** Stops serving: ends event streams, then stops Jetty. Idempotent. */
    @Override
    public void close() {
        lifecycle.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (events != null) {
                events.closeStreams();
            }
            if (app != null) {
                app.stop();
            }
        } finally {
            lifecycle.unlock();
        }
    }

    /** A handler of an authenticated request. */
    @FunctionalInterface
    interface AuthedHandler {
        void handle(Context ctx, Caller caller) throws Exception;
    }

    /** Where route classes add their authenticated routes. */
    @FunctionalInterface
    interface Routes {
        void add(HandlerType method, String path, AuthedHandler handler);
    }

    /**
     * Settings of an {@link ApiServer}. Defaults:
     * <ul>
     *   <li>{@code host}: {@code 0.0.0.0} (every interface)</li>
     *   <li>{@code port}: 8080; 0 picks an ephemeral port</li>
     *   <li>{@code functionTimeout}: 20 s, in [1 s, 5 min]: how long a function call or variable read waits for
     *       the device before answering 408</li>
     *   <li>{@code eventStreams}: a client may fall {@value #DEFAULT_STREAM_BUFFER_EVENTS} events behind (in
     *       [1, 100000]) before it is disconnected; a heartbeat comment after 10 s of silence (in [100 ms, 15 s])</li>
     *   <li>{@code advertisedCoapHost}: none. Credential files of provisioned devices name this host; without it,
     *       the host the client used to reach the API.</li>
     *   <li>{@code login}: {@link LoginSettings#DEFAULTS}: Particle's client ids accepted, 90-day tokens, 5 failed
     *       logins per username and per address a minute</li>
     * </ul>
     */
    public static final class Builder {
        /** The default HTTP port. */
        public static final int DEFAULT_PORT = 8080;
        /** The default time a function call or variable read waits for the device. */
        public static final Duration DEFAULT_FUNCTION_TIMEOUT = Duration.ofSeconds(20);
        /** Events an event-stream client may fall behind by before it is disconnected. */
        public static final int DEFAULT_STREAM_BUFFER_EVENTS = 256;
        /** The longest silence on an event stream: then a comment line goes out. */
        public static final Duration DEFAULT_STREAM_HEARTBEAT = Duration.ofSeconds(10);

        private String host = "0.0.0.0";
        private int port = DEFAULT_PORT;
        private Duration functionTimeout = DEFAULT_FUNCTION_TIMEOUT;
        private String advertisedCoapHost;
        private int streamBufferEvents = DEFAULT_STREAM_BUFFER_EVENTS;
        private Duration streamHeartbeat = DEFAULT_STREAM_HEARTBEAT;
        private LoginSettings login = LoginSettings.DEFAULTS;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** How {@code POST /oauth/token} logs users in and throttles guessing. */
        public Builder login(LoginSettings login) {
            this.login = java.util.Objects.requireNonNull(login, "login");
            return this;
        }

        /** The clock the login throttle's windows run on; for tests that move time by hand. */
        Builder clock(Clock clock) {
            this.clock = java.util.Objects.requireNonNull(clock, "clock");
            return this;
        }

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder functionTimeout(Duration functionTimeout) {
            this.functionTimeout = functionTimeout;
            return this;
        }

        public Builder advertisedCoapHost(String advertisedCoapHost) {
            this.advertisedCoapHost = advertisedCoapHost;
            return this;
        }

        /** How many events an event-stream client may fall behind by, and the longest silence on a stream. */
        public Builder eventStreams(int bufferEvents, Duration heartbeat) {
            this.streamBufferEvents = bufferEvents;
            this.streamHeartbeat = heartbeat;
            return this;
        }

        /**
         * Checks the settings; nothing is bound until {@link ApiServer#start()}.
         *
         * @throws IllegalArgumentException naming the first bad setting and its allowed range
         */
        public ApiServer build() {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("httpHost must be a host name or IP address, was '" + host + "'");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("httpPort must be in [0, 65535] (0 = ephemeral), was " + port);
            }
            if (functionTimeout == null || functionTimeout.compareTo(Duration.ofSeconds(1)) < 0
                    || functionTimeout.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new IllegalArgumentException("functionTimeout must be in [1 s, 5 min], was " + functionTimeout);
            }
            if (streamBufferEvents < 1 || streamBufferEvents > 100_000) {
                throw new IllegalArgumentException("event stream buffer must be in [1, 100000] events, was "
                        + streamBufferEvents);
            }
            if (streamHeartbeat == null || streamHeartbeat.compareTo(Duration.ofMillis(100)) < 0
                    || streamHeartbeat.compareTo(Duration.ofSeconds(15)) > 0) {
                throw new IllegalArgumentException("event stream heartbeat must be in [100 ms, 15 s], was "
                        + streamHeartbeat);
            }
            if (advertisedCoapHost != null && advertisedCoapHost.isBlank()) {
                throw new IllegalArgumentException("advertisedCoapHost must be a host name or IP address, was empty");
            }
            return new ApiServer(this);
        }
    }
}
