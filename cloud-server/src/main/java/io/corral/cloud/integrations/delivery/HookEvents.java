package io.corral.cloud.integrations.delivery;

import io.corral.cloud.events.Event;
import io.corral.cloud.integrations.model.Integration;
import io.corral.cloud.integrations.model.IntegrationTarget;
import io.corral.cloud.integrations.model.MqttSettings;
import io.corral.cloud.integrations.model.Template;
import io.corral.cloud.integrations.model.TemplateContext;
import io.corral.cloud.integrations.model.WebhookSettings;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cloud's own events about deliveries, put back onto the bus: {@code hook-sent/NAME} once a delivery
 * succeeded, {@code hook-response/NAME/N} with a webhook's response body in chunks of {@value #CHUNK_BYTES}
 * bytes, and {@code hook-error/NAME} after a failed try. (Response and error topics are templates of the
 * webhook.) Each carries the publishing device as its source and that device's owner, so the device that
 * published sees the answer if it subscribed; no other device does (the CoAP endpoint routes hook events to their
 * source device only). They never reach the delivery queue, so they can never trigger an integration.
 */
public final class HookEvents {
    static final int CHUNK_BYTES = 512;
    private static final Logger log = LoggerFactory.getLogger(HookEvents.class);
    private static final byte[] EMPTY = new byte[0];

    private final Consumer<Event> publisher;

    /** @param publisher puts an event on the bus (in the cloud process) or in the outbox (in a worker process) */
    public HookEvents(Consumer<Event> publisher) {
        this.publisher = publisher;
    }

    void sent(Event origin) {
        publish(origin, "hook-sent/" + origin.name(), EMPTY);
    }

    /** What a delivered target answered, for the targets that answer with a body. */
    void response(Event origin, IntegrationTarget target, byte[] body) {
        Template template = switch (target) {
            case WebhookSettings webhook -> webhook.responseTopicTemplate();
            case MqttSettings mqtt -> null; // a broker's acknowledgement carries no body
        };
        if (template == null || body.length == 0) {
            return;
        }
        String topic = template.render(TemplateContext.of(origin));
        for (int chunk = 0, offset = 0; offset < body.length; chunk++, offset += CHUNK_BYTES) {
            publish(origin, topic + "/" + chunk, Arrays.copyOfRange(body, offset, Math.min(body.length,
                    offset + CHUNK_BYTES)));
        }
    }

    void error(Event origin, Integration integration, String error) {
        String topic = switch (integration.spec().target()) {
            case WebhookSettings webhook -> webhook.errorTopicTemplate().render(TemplateContext.of(origin));
            case MqttSettings mqtt -> "hook-error/" + origin.name();
        };
        byte[] data = (error == null ? "" : error).getBytes(StandardCharsets.UTF_8);
        publish(origin, topic, data.length <= 1024 ? data : Arrays.copyOf(data, 1024));
    }

    private void publish(Event origin, String name, byte[] data) {
        if (name.isEmpty()) {
            return;
        }
        try {
            publisher.accept(Event.create(name, data, Event.TEXT_PLAIN, Event.DEFAULT_TTL_SECONDS, origin.deviceId(),
                    origin.owner()));
        } catch (RuntimeException e) {
            // A closing bus must not turn a finished delivery into a failed one.
            log.debug("could not publish {} for event {}: {}", name, origin.id(), e.toString());
        }
    }
}
