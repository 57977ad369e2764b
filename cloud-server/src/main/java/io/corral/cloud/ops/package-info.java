/**
 * The cloud watching itself: alert rules, notifiers and the status page.
 *
 * <p>Start at {@link io.corral.cloud.ops.Ops}: it evaluates the built-in {@link io.corral.cloud.ops.RuleId rules}
 * against {@link io.corral.cloud.ops.OpsSignals} every evaluation interval, pages through
 * {@link io.corral.cloud.ops.PagerDutyNotifier}, opens tickets through {@link io.corral.cloud.ops.SlackNotifier},
 * and keeps incidents in an {@link io.corral.cloud.ops.IncidentStore}. {@link io.corral.cloud.ops.AlertConfig}
 * holds routes and thresholds; its {@code validate} refuses a data-loss rule that does not page.
 * {@link io.corral.cloud.ops.StatusPage} renders {@link io.corral.cloud.ops.Ops#status()} as HTML and JSON.
 * {@code io.corral.cloud.Cloud} wires all of it; {@code scripts/prometheus/} has the same rules for Prometheus.
 *
 * <p>{@link io.corral.cloud.ops.CloudMetrics} holds the Micrometer meters, rendered as Prometheus text, which the
 * HTTP API serves on {@code GET /metrics}.
 *
 * <p>{@link io.corral.cloud.ops.CloudMetrics} holds the Micrometer meters, rendered as Prometheus text, which the
 * HTTP API serves on {@code GET /metrics}; {@link io.corral.cloud.ops.FdWatchdog} sheds outbound work before file
 * descriptors run out.
 */
package io.corral.cloud.ops;
