package io.corral.cloud.ops;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.ToDoubleFunction;

/**
 * The alerting's own meters, so Prometheus sees what the built-in evaluator sees. In Prometheus text:
 *
 * <pre>
 * corral_alert_firing{rule,route,severity}                    1 while the rule fires, else 0
 * corral_alert_notifications_sent_total{notifier}             notifications the receiver accepted
 * corral_alert_notification_failures_total{notifier}          failed tries (each retry counts)
 * corral_alert_notifications_dropped_total{notifier}          notifications given up after the last retry
 * corral_alert_notifier_consecutive_failures{notifier}        failed tries since the last success
 * </pre>
 */
public final class OpsMetrics {
    private OpsMetrics() {
    }

    /** Registers the meters; they read {@code ops} when scraped. */
    public static void bind(Ops ops, MeterRegistry registry) {
        for (RuleId id : RuleId.values()) {
            AlertConfig.RuleSettings settings = ops.config().rule(id);
            Gauge.builder("corral.alert.firing", ops, o -> o.firing(id) ? 1 : 0)
                    .tag("rule", id.key()).tag("route", settings.route().wireName())
                    .tag("severity", settings.severity().wireName())
                    .description("1 while the alert rule fires").register(registry);
        }
        for (NotifierHealth health : ops.notifierHealth()) {
            String name = health.name();
            counter(registry, ops, name, "corral.alert.notifications.sent", "notifications accepted by the receiver",
                    NotifierHealth::sent);
            counter(registry, ops, name, "corral.alert.notification.failures", "failed tries, retries included",
                    NotifierHealth::failedAttempts);
            counter(registry, ops, name, "corral.alert.notifications.dropped", "notifications given up",
                    NotifierHealth::gaveUp);
            Gauge.builder("corral.alert.notifier.consecutive.failures", ops,
                            o -> value(o, name, NotifierHealth::consecutiveFailures))
                    .tag("notifier", name).description("failed tries since the last success").register(registry);
        }
    }

    private static void counter(MeterRegistry registry, Ops ops, String notifier, String meter, String description,
                                ToDoubleFunction<NotifierHealth> read) {
        FunctionCounter.builder(meter, ops, o -> value(o, notifier, read)).tag("notifier", notifier)
                .description(description).register(registry);
    }

    private static double value(Ops ops, String notifier, ToDoubleFunction<NotifierHealth> read) {
        return ops.notifierHealth().stream().filter(h -> h.name().equals(notifier)).mapToDouble(read).findFirst()
                .orElse(0);
    }
}
