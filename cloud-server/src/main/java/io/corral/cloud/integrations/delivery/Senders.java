package io.corral.cloud.integrations.delivery;

import io.corral.cloud.integrations.IntegrationSettings;
import io.corral.cloud.integrations.model.MqttSettings;
import io.corral.cloud.integrations.model.WebhookSettings;
import java.util.function.BooleanSupplier;

/**
 * One sender per kind of integration target, all made from the settings at once. This is where a new kind of
 * target registers its sender; {@link Dispatcher} then picks among them with an exhaustive {@code switch} on the
 * target, which does not compile until the new kind has its case. {@link #close()} closes every sender.
 */
public final class Senders implements AutoCloseable {
    private final Sender<WebhookSettings> webhook;
    private final Sender<MqttSettings> mqtt;

    /** @param shedding true while the process is short of file descriptors: then nothing new is sent */
    public Senders(IntegrationSettings settings, BooleanSupplier shedding) {
        this.webhook = new WebhookSender(settings, shedding);
        this.mqtt = new MqttSender(settings.mqttTimeout(), shedding);
    }

    Sender<WebhookSettings> webhook() {
        return webhook;
    }

    Sender<MqttSettings> mqtt() {
        return mqtt;
    }

    /** Closes every sender; one that refuses to close does not keep the others open. */
    @Override
    public void close() {
        try {
            webhook.close();
        } finally {
            mqtt.close();
        }
    }
}
