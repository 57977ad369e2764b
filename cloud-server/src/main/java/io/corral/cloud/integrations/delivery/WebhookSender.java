package io.corral.cloud.integrations.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.corral.cloud.events.Event;
import io.corral.cloud.integrations.IntegrationSettings;
import io.corral.cloud.integrations.model.Delivery;
import io.corral.cloud.integrations.model.Integration;
import io.corral.cloud.integrations.model.TemplateContext;
import io.corral.cloud.integrations.model.WebhookSettings;
import java.io.ByteArrayOutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Sends webhooks through one Jetty {@link HttpClient} for the whole process, with a bounded number of
 * connections per destination and a bounded queue per destination: however many events pile up and however slow
 * a receiver is, the process holds at most {@code maxConnectionsPerDestination} sockets per destination. A full
 * destination queue gives the delivery back untried instead of queueing more in memory.
 *
 * <p>Each request carries {@code X-Corral-Event-Id} (receivers deduplicate on it), {@code X-Corral-Delivery-Id}
 * and {@code X-Corral-Attempt}. Redirects are not followed and cookies are not kept: one integration must never
 * see another's cookies.
 */
final class WebhookSender implements Sender<WebhookSettings> {
    static final String EVENT_ID_HEADER = "X-Corral-Event-Id";
    static final String DELIVERY_ID_HEADER = "X-Corral-Delivery-Id";
    static final String ATTEMPT_HEADER = "X-Corral-Attempt";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client;
    private final int maxResponseBytes;
    private final BooleanSupplier shedding;

    /**
     * @param shedding true while the process is short of file descriptors: then nothing new is sent
     */
    WebhookSender(IntegrationSettings settings, BooleanSupplier shedding) {
        this.maxResponseBytes = settings.maxResponseBytes();
        this.shedding = shedding;
        QueuedThreadPool threads = new QueuedThreadPool(settings.httpThreads(), 2);
        threads.setName("corral-webhook");
        threads.setDaemon(true);
        client = new HttpClient();
        client.setExecutor(threads);
        client.setMaxConnectionsPerDestination(settings.maxConnectionsPerDestination());
        // The dispatcher's lanes already hold back what exceeds the connections; this queue is only a safety net.
        client.setMaxRequestsQueuedPerDestination(settings.maxConnectionsPerDestination());
        client.setConnectTimeout(settings.connectTimeout().toMillis());
        client.setIdleTimeout(settings.idleTimeout().toMillis());
        client.setFollowRedirects(false);
        client.setHttpCookieStore(new HttpCookieStore.Empty());
        client.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, "corral-cloud"));
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the webhook HTTP client: " + e.getMessage(), e);
        }
    }

    @Override
    public CompletableFuture<SendResult> send(Delivery delivery, Integration integration, WebhookSettings webhook) {
        if (shedding.getAsBoolean()) {
            return CompletableFuture.completedFuture(SendResult.notSent("shedding load: file descriptors are short"));
        }
        long start = System.nanoTime();
        Request request;
        try {
            request = build(webhook, delivery);
        } catch (IllegalArgumentException e) {
            // Event data made the URL or body unusable: another try renders the same, so it is a dead letter.
            return CompletableFuture.completedFuture(SendResult.failed(SendResult.Kind.PERMANENT, null,
                    Duration.ZERO, "the request could not be built: " + e.getMessage()));
        }
        CompletableFuture<SendResult> result = new CompletableFuture<>();
        try {
            request.send(new Collector(start, result, webhook.timeout()));
        } catch (RuntimeException e) {
            result.complete(classify(e, start, webhook.timeout()));
        }
        return result;
    }

    private Request build(WebhookSettings webhook, Delivery delivery) {
        Event event = delivery.event();
        Map<String, Object> context = TemplateContext.of(event);
        Map<String, String> query = new LinkedHashMap<>();
        webhook.queryTemplates().forEach((name, value) -> query.put(name, value.render(context)));
        String contentType = null;
        String body = null;
        switch (webhook.bodyKind()) {
            case DEFAULT_FORM -> {
                Map<String, String> fields = defaultForm(event);
                if (webhook.method().equals("GET")) {
                    query.putAll(fields);
                } else {
                    contentType = "application/x-www-form-urlencoded";
                    body = formEncode(fields);
                }
            }
            case FORM -> {
                Map<String, String> fields = new LinkedHashMap<>();
                webhook.formTemplates().forEach((name, value) -> fields.put(name, value.render(context)));
                contentType = "application/x-www-form-urlencoded";
                body = formEncode(fields);
            }
            case JSON -> {
                contentType = "application/json";
                try {
                    body = JSON.writeValueAsString(webhook.jsonTemplate().render(context));
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException("webhook.json did not render: " + e.getOriginalMessage());
                }
            }
            case BODY -> {
                contentType = "text/plain; charset=utf-8";
                body = webhook.bodyTemplate().render(context);
            }
        }
        URI uri = WebhookSettings.renderUri(webhook.urlTemplate().render(context), formEncode(query));
        Request request = client.newRequest(uri).method(webhook.method())
                .timeout(webhook.timeout().toMillis(), TimeUnit.MILLISECONDS);
        String finalContentType = contentType;
        request.headers(headers -> {
            webhook.headerTemplates().forEach((name, value) -> headers.put(name, value.render(context)));
            if (webhook.username() != null) {
                String credentials = webhook.username() + ":" + (webhook.password() == null ? "" : webhook.password());
                headers.put(HttpHeader.AUTHORIZATION, "Basic " + Base64.getEncoder().encodeToString(
                        credentials.getBytes(StandardCharsets.UTF_8)));
            }
            headers.put(EVENT_ID_HEADER, event.id());
            headers.put(DELIVERY_ID_HEADER, Long.toString(delivery.id()));
            headers.put(ATTEMPT_HEADER, Integer.toString(delivery.attempt()));
        });
        if (body != null) {
            // A Content-Type header of the integration wins over the default of the body kind.
            String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
            request.body(new StringRequestContent(type != null ? type : finalContentType, body, StandardCharsets.UTF_8));
        }
        return request;
    }

    /** Particle's default form: event, data, coreid, published_at. */
    private static Map<String, String> defaultForm(Event event) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("event", event.name());
        fields.put("data", event.dataAsText());
        fields.put("coreid", event.deviceId());
        fields.put("published_at", event.publishedAt().toString());
        return fields;
    }

    static String formEncode(Map<String, String> fields) {
        StringBuilder out = new StringBuilder();
        fields.forEach((name, value) -> {
            if (!out.isEmpty()) {
                out.append('&');
            }
            out.append(URLEncoder.encode(name, StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        });
        return out.toString();
    }

    private static SendResult classify(Throwable failure, long start, Duration timeout) {
        Duration latency = Duration.ofNanos(System.nanoTime() - start);
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause && !(cause instanceof TimeoutException)
                && !(cause instanceof ConnectException) && !(cause instanceof RejectedExecutionException)) {
            cause = cause.getCause();
        }
        if (cause instanceof RejectedExecutionException) {
            // Jetty's per-destination queue is full: the destination is busy, not failing. Try again later.
            return SendResult.notSent("destination queue full: " + cause.getMessage());
        }
        if (cause instanceof TimeoutException) {
            return SendResult.failed(SendResult.Kind.RETRYABLE, null, latency, "no complete answer within "
                    + timeout.toMillis() + " ms");
        }
        String what = cause.getMessage() == null ? cause.getClass().getSimpleName()
                : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        return SendResult.failed(SendResult.Kind.RETRYABLE, null, latency, what);
    }

    /** Keeps the first {@code maxResponseBytes} of the body and turns the outcome into a {@link SendResult}. */
    private final class Collector implements Response.Listener {
        private final long start;
        private final CompletableFuture<SendResult> result;
        private final Duration timeout;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();

        Collector(long start, CompletableFuture<SendResult> result, Duration timeout) {
            this.start = start;
            this.result = result;
            this.timeout = timeout;
        }

        @Override
        public void onContent(Response response, ByteBuffer content) {
            int room = maxResponseBytes - body.size();
            if (room > 0) {
                int n = Math.min(room, content.remaining());
                byte[] bytes = new byte[n];
                content.get(bytes);
                body.write(bytes, 0, n);
            }
        }

        @Override
        public void onComplete(Result outcome) {
            Response response = outcome.getResponse();
            if (outcome.isFailed() && (response == null || response.getStatus() == 0)) {
                result.complete(classify(outcome.getFailure(), start, timeout));
                return;
            }
            if (outcome.isFailed()) {
                // The status arrived, the body did not finish: judge by the status, the body is not needed.
                result.complete(fromStatus(response, new byte[0]));
                return;
            }
            result.complete(fromStatus(response, body.toByteArray()));
        }

        private SendResult fromStatus(Response response, byte[] bytes) {
            int status = response.getStatus();
            Duration latency = Duration.ofNanos(System.nanoTime() - start);
            if (status >= 200 && status < 300) {
                return SendResult.delivered(status, latency, bytes);
            }
            String error = "HTTP " + status + (response.getReason() == null ? "" : " " + response.getReason())
                    + (bytes.length == 0 ? "" : ": " + new String(bytes, 0, Math.min(bytes.length, 200),
                    StandardCharsets.UTF_8));
            boolean retryable = status >= 500 || status == 408 || status == 425 || status == 429;
            SendResult failed = SendResult.failed(retryable ? SendResult.Kind.RETRYABLE : SendResult.Kind.PERMANENT,
                    status, latency, error);
            Instant retryAfter = retryAfter(response.getHeaders().get(HttpHeader.RETRY_AFTER));
            return retryAfter == null ? failed : failed.withRetryAfter(retryAfter);
        }
    }

    /** Retry-After in seconds (the HTTP-date form is rare for webhooks and ignored), capped at a day. */
    private static Instant retryAfter(String value) {
        if (value == null) {
            return null;
        }
        try {
            long seconds = Long.parseLong(value.trim());
            return seconds <= 0 ? null : Instant.now().plusSeconds(Math.min(seconds, 86_400));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public void close() {
        try {
            client.stop();
        } catch (Exception e) {
            // Stopping aborts requests in flight; their deliveries stay leased and come back later.
        }
    }
}
