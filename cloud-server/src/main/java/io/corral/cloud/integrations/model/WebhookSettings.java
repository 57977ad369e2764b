package io.corral.cloud.integrations.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.corral.cloud.integrations.IntegrationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Where and how a webhook integration sends an event over HTTP. Every text setting except the method is a
 * mustache template over the event's variables (see {@link #builder()}); templates are compiled, and the URL
 * checked, when the settings are built, so a bad one is refused at creation with a message naming the field.
 *
 * <p>Immutable and thread-safe.
 */
public final class WebhookSettings implements IntegrationTarget {
    /** Methods a webhook may use. */
    public static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE");
    public static final String DEFAULT_RESPONSE_TOPIC = "hook-response/{{PARTICLE_EVENT_NAME}}";
    public static final String DEFAULT_ERROR_TOPIC = "hook-error/{{PARTICLE_EVENT_NAME}}";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);
    public static final Duration MAX_TIMEOUT = Duration.ofSeconds(60);

    /** What the request body is made of. */
    public enum BodyKind {
        /** No template given: form fields {@code event}, {@code data}, {@code coreid}, {@code published_at}. */
        DEFAULT_FORM,
        /** A JSON value whose string leaves are templates, sent as {@code application/json}. */
        JSON,
        /** Field names to templates, sent as {@code application/x-www-form-urlencoded}. */
        FORM,
        /** One template, sent as it renders, {@code text/plain} unless a Content-Type header says otherwise. */
        BODY
    }

    private final String url;
    private final Template urlTemplate;
    private final String method;
    private final Map<String, Template> headers;
    private final Map<String, Template> query;
    private final BodyKind bodyKind;
    private final JsonTemplate json;
    private final Map<String, Template> form;
    private final Template body;
    private final String username;
    private final String password;
    private final Template responseTopic;
    private final Template errorTopic;
    private final Duration timeout;
    private final String destination;

    private WebhookSettings(Builder b, Template urlTemplate, String destination, Map<String, Template> headers,
                            Map<String, Template> query, JsonTemplate json, Map<String, Template> form,
                            Template body) {
        this.url = b.url;
        this.urlTemplate = urlTemplate;
        this.destination = destination;
        this.method = b.method.toUpperCase(Locale.ROOT);
        this.headers = headers;
        this.query = query;
        this.bodyKind = json != null ? BodyKind.JSON : form != null ? BodyKind.FORM : body != null ? BodyKind.BODY
                : BodyKind.DEFAULT_FORM;
        this.json = json;
        this.form = form;
        this.body = body;
        this.username = b.username;
        this.password = b.password;
        this.responseTopic = Template.compile("webhook.response_topic", b.responseTopic);
        this.errorTopic = Template.compile("webhook.error_topic", b.errorTopic);
        this.timeout = b.timeout;
    }

    /**
     * A builder. Defaults: method {@code POST}; no headers, query or auth; the default form body; response topic
     * {@value #DEFAULT_RESPONSE_TOPIC}; error topic {@value #DEFAULT_ERROR_TOPIC}; timeout 20 s, in [1 s, 60 s].
     * The URL is required: {@code http} or {@code https} with a literal host (templates may follow the host).
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String type() {
        return "webhook";
    }

    @Override
    public String destination() {
        return destination;
    }

    /** The URL template. */
    public String url() {
        return url;
    }

    public String method() {
        return method;
    }

    /** Header names to value templates, in the order given. */
    public Map<String, String> headers() {
        return texts(headers);
    }

    /** Query parameter names to value templates, in the order given. */
    public Map<String, String> query() {
        return texts(query);
    }

    public BodyKind bodyKind() {
        return bodyKind;
    }

    /** The JSON body template for {@link BodyKind#JSON}, else null. */
    public JsonNode json() {
        return json == null ? null : json.source();
    }

    /** Form field templates for {@link BodyKind#FORM}, else null. */
    public Map<String, String> form() {
        return form == null ? null : texts(form);
    }

    /** The body template for {@link BodyKind#BODY}, else null. */
    public String body() {
        return body == null ? null : body.text();
    }

    /** Basic-auth user name, or null for none. */
    public String username() {
        return username;
    }

    /** Basic-auth password, or null. */
    public String password() {
        return password;
    }

    public String responseTopic() {
        return responseTopic.text();
    }

    public String errorTopic() {
        return errorTopic.text();
    }

    public Duration timeout() {
        return timeout;
    }

    public Template urlTemplate() {
        return urlTemplate;
    }

    public Map<String, Template> headerTemplates() {
        return headers;
    }

    public Map<String, Template> queryTemplates() {
        return query;
    }

    public JsonTemplate jsonTemplate() {
        return json;
    }

    public Map<String, Template> formTemplates() {
        return form;
    }

    public Template bodyTemplate() {
        return body;
    }

    public Template responseTopicTemplate() {
        return responseTopic;
    }

    public Template errorTopicTemplate() {
        return errorTopic;
    }

    private static Map<String, String> texts(Map<String, Template> templates) {
        Map<String, String> texts = new LinkedHashMap<>();
        templates.forEach((name, template) -> texts.put(name, template.text()));
        return Collections.unmodifiableMap(texts);
    }

    /** Settings of a webhook; see {@link WebhookSettings#builder()} for the defaults. */
    public static final class Builder {
        private String url;
        private String method = "POST";
        private final Map<String, String> headers = new LinkedHashMap<>();
        private final Map<String, String> query = new LinkedHashMap<>();
        private JsonNode json;
        private Map<String, String> form;
        private String body;
        private String username;
        private String password;
        private String responseTopic = DEFAULT_RESPONSE_TOPIC;
        private String errorTopic = DEFAULT_ERROR_TOPIC;
        private Duration timeout = DEFAULT_TIMEOUT;

        private Builder() {
        }

        /** Required: an http or https URL template, for example {@code https://example.com/t/{{PARTICLE_DEVICE_ID}}}. */
        public Builder url(String url) {
            this.url = url;
            return this;
        }

        /** GET, POST, PUT or DELETE (any case). */
        public Builder method(String method) {
            this.method = method;
            return this;
        }

        /** Adds a request header; the value is a template. */
        public Builder header(String name, String valueTemplate) {
            headers.put(name, valueTemplate);
            return this;
        }

        /** Adds a query parameter; the value is a template. */
        public Builder query(String name, String valueTemplate) {
            query.put(name, valueTemplate);
            return this;
        }

        /** A JSON body: a JSON value whose string leaves are templates. Excludes {@link #form} and {@link #body}. */
        public Builder json(JsonNode json) {
            this.json = json;
            return this;
        }

        /** A form body: field names to templates. Excludes {@link #json} and {@link #body}. */
        public Builder form(Map<String, String> form) {
            this.form = form == null ? null : new LinkedHashMap<>(form);
            return this;
        }

        /** A body sent as it renders. Excludes {@link #json} and {@link #form}. */
        public Builder body(String body) {
            this.body = body;
            return this;
        }

        /** HTTP basic authentication; null for none. */
        public Builder basicAuth(String username, String password) {
            this.username = username;
            this.password = password;
            return this;
        }

        /** Topic template of the {@code hook-response} events; a chunk index {@code /N} is appended. */
        public Builder responseTopic(String responseTopic) {
            this.responseTopic = responseTopic;
            return this;
        }

        /** Topic template of the {@code hook-error} events. */
        public Builder errorTopic(String errorTopic) {
            this.errorTopic = errorTopic;
            return this;
        }

        /** How long one request may take, connect to last byte, in [1 s, 60 s]. */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /**
         * Validates and compiles the templates.
         *
         * @throws IntegrationException INVALID_INPUT naming the first bad field ({@code webhook.url}, ...)
         */
        public WebhookSettings build() {
            String methodName = method == null ? null : method.toUpperCase(Locale.ROOT);
            if (methodName == null || !METHODS.contains(methodName)) {
                throw IntegrationException.invalid("webhook.method", "must be one of " + METHODS + ", was '"
                        + method + "'");
            }
            Template urlTemplate = Template.compile("webhook.url", url);
            String destination = checkUrl(url, urlTemplate);
            Map<String, Template> headerTemplates = new LinkedHashMap<>();
            headers.forEach((name, value) -> {
                checkHeaderName(name);
                headerTemplates.put(name, Template.compile("webhook.headers." + name, value));
            });
            Map<String, Template> queryTemplates = new LinkedHashMap<>();
            query.forEach((name, value) -> {
                if (name == null || name.isEmpty()) {
                    throw IntegrationException.invalid("webhook.query", "parameter names must not be empty");
                }
                queryTemplates.put(name, Template.compile("webhook.query." + name, value));
            });
            int bodies = (json != null ? 1 : 0) + (form != null ? 1 : 0) + (body != null ? 1 : 0);
            if (bodies > 1) {
                throw IntegrationException.invalid("webhook.json", "give at most one of json, form and body");
            }
            if (bodies == 1 && methodName.equals("GET")) {
                String field = json != null ? "webhook.json" : form != null ? "webhook.form" : "webhook.body";
                throw IntegrationException.invalid(field, "a GET request has no body; use webhook.query instead");
            }
            JsonTemplate jsonTemplate = json == null ? null : JsonTemplate.compile("webhook.json", json);
            Map<String, Template> formTemplates = null;
            if (form != null) {
                formTemplates = new LinkedHashMap<>();
                for (Map.Entry<String, String> field : form.entrySet()) {
                    if (field.getKey() == null || field.getKey().isEmpty()) {
                        throw IntegrationException.invalid("webhook.form", "field names must not be empty");
                    }
                    formTemplates.put(field.getKey(),
                            Template.compile("webhook.form." + field.getKey(), field.getValue()));
                }
            }
            Template bodyTemplate = body == null ? null : Template.compile("webhook.body", body);
            if (username != null && (username.isEmpty() || username.indexOf(':') >= 0)) {
                throw IntegrationException.invalid("webhook.auth.username",
                        "must be non-empty and must not contain ':'");
            }
            if (username == null && password != null) {
                throw IntegrationException.invalid("webhook.auth.username", "is required when a password is given");
            }
            if (timeout == null || timeout.compareTo(Duration.ofSeconds(1)) < 0 || timeout.compareTo(MAX_TIMEOUT) > 0) {
                throw IntegrationException.invalid("webhook.timeout_seconds", "must be in [1, "
                        + MAX_TIMEOUT.toSeconds() + "] seconds, was " + (timeout == null ? "missing" : timeout.toMillis()
                        / 1000.0));
            }
            return new WebhookSettings(this, urlTemplate, destination, Collections.unmodifiableMap(headerTemplates),
                    Collections.unmodifiableMap(queryTemplates), jsonTemplate,
                    formTemplates == null ? null : Collections.unmodifiableMap(formTemplates), bodyTemplate);
        }

        /**
         * The scheme and host must be literal: a template there would let event data choose where the request
         * goes. Returns the destination {@code scheme://host:port}.
         */
        private static String checkUrl(String url, Template template) {
            String lower = url.toLowerCase(Locale.ROOT);
            String scheme = lower.startsWith("https://") ? "https" : lower.startsWith("http://") ? "http" : null;
            if (scheme == null) {
                throw IntegrationException.invalid("webhook.url", "must start with http:// or https://, was '"
                        + url + "'");
            }
            int hostStart = scheme.length() + 3;
            int hostEnd = hostStart;
            while (hostEnd < url.length() && "/?#".indexOf(url.charAt(hostEnd)) < 0) {
                hostEnd++;
            }
            String authority = url.substring(hostStart, hostEnd);
            if (authority.contains("{{")) {
                throw IntegrationException.invalid("webhook.url", "the host must be literal, not a template: '"
                        + authority + "'");
            }
            URI sample;
            try {
                sample = renderUri(template.render(SAMPLE), "");
            } catch (IllegalArgumentException e) {
                throw IntegrationException.invalid("webhook.url", "is not a valid URL: " + e.getMessage());
            }
            if (sample.getHost() == null || sample.getHost().isEmpty()) {
                throw IntegrationException.invalid("webhook.url", "has no host: '" + url + "'");
            }
            if (sample.getRawUserInfo() != null) {
                throw IntegrationException.invalid("webhook.url", "must not carry credentials; use webhook.auth");
            }
            int port = sample.getPort() > 0 ? sample.getPort() : scheme.equals("https") ? 443 : 80;
            return scheme + "://" + sample.getHost().toLowerCase(Locale.ROOT) + ":" + port;
        }

        private static void checkHeaderName(String name) {
            if (name == null || name.isEmpty()) {
                throw IntegrationException.invalid("webhook.headers", "header names must not be empty");
            }
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (c <= 0x20 || c >= 0x7f || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                    throw IntegrationException.invalid("webhook.headers." + name,
                            "is not a valid HTTP header name (character " + i + ")");
                }
            }
        }
    }

    /**
     * The rendered URL with the query appended. Event data in a path can hold spaces or other characters a URI
     * may not; they are percent-encoded rather than failing the delivery.
     */
    public static URI renderUri(String rendered, String query) {
        StringBuilder text = new StringBuilder(encodeIllegal(rendered));
        if (!query.isEmpty()) {
            text.append(rendered.indexOf('?') >= 0 ? '&' : '?').append(query);
        }
        try {
            return new URI(text.toString());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    private static String encodeIllegal(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c <= 0x20 || c >= 0x7f || "\"<>\\^`{|}".indexOf(c) >= 0) {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            } else {
                out.append((char) c);
            }
        }
        return out.toString();
    }

    /** Variables of a made-up event, to check that the URL template renders to a URL. */
    private static final Map<String, Object> SAMPLE = Map.of(
            "PARTICLE_EVENT_NAME", "sample/name", "PARTICLE_EVENT_VALUE", "sample value",
            "PARTICLE_DEVICE_ID", "0123456789abcdef01234567", "PARTICLE_PUBLISHED_AT", "2025-01-01T00:00:00Z",
            "PARTICLE_EVENT_ID", "0000000000000000");

    @Override
    public boolean equals(Object other) {
        return other instanceof WebhookSettings that && url.equals(that.url) && method.equals(that.method)
                && headers().equals(that.headers()) && query().equals(that.query()) && bodyKind == that.bodyKind
                && Objects.equals(json(), that.json()) && Objects.equals(form(), that.form())
                && Objects.equals(body(), that.body()) && Objects.equals(username, that.username)
                && Objects.equals(password, that.password) && responseTopic().equals(that.responseTopic())
                && errorTopic().equals(that.errorTopic()) && timeout.equals(that.timeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(url, method, bodyKind);
    }

    @Override
    public String toString() {
        return "webhook " + method + " " + url;
    }
}
