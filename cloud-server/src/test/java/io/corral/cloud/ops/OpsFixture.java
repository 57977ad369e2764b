package io.corral.cloud.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;

/** Builds an {@link Ops} against real receivers with short windows, so a rule test takes seconds. */
final class OpsFixture implements AutoCloseable {
    static final Duration INTERVAL = Duration.ofMillis(200);
    private static final AtomicBoolean WARMED_UP = new AtomicBoolean();
    final PageReceiver pager = new PageReceiver();
    final PageReceiver slack = new PageReceiver();
    final Ops ops;

    OpsFixture(OpsSignals signals, UnaryOperator<AlertConfig.Builder> config) {
        this(signals, config, UnaryOperator.identity());
    }

    OpsFixture(OpsSignals signals, UnaryOperator<AlertConfig.Builder> config, UnaryOperator<Ops.Builder> more) {
        warmUpNotifiers();
        AlertConfig alerts = config.apply(AlertConfig.builder().evaluationInterval(INTERVAL)).build();
        ops = more.apply(Ops.builder().config(alerts).signals(signals).source("test-cloud")
                        .pageNotifier(new PagerDutyNotifier(pager.url(), "test-key", "http://status.test/status"))
                        .ticketNotifier(new SlackNotifier(slack.url(), null))
                        .notifierRetry(5, Duration.ofMillis(50), Duration.ofMillis(200)))
                .build();
        ops.start();
    }

    /**
     * Once per test JVM, one notification of each kind to a throwaway receiver: the first send of a JVM loads the
     * JDK's HTTP client, which on a busy machine can take longer than the page deadline the tests assert. A cloud
     * pays that once in its life; a rule test should measure the alerting, not the class loading.
     */
    private static void warmUpNotifiers() {
        if (!WARMED_UP.compareAndSet(false, true)) {
            return;
        }
        Notification hello = new Notification(Notification.Action.TRIGGER, RuleId.API_ERRORS, Severity.WARNING,
                Component.API, "warm-up", Instant.now(), "warm-up", 0);
        try (PageReceiver throwaway = new PageReceiver()) {
            new PagerDutyNotifier(throwaway.url(), "warm-up", null).send(hello);
            new SlackNotifier(throwaway.url(), null).send(hello);
        } catch (IOException | Notifier.SendFailure e) {
            throw new AssertionError("a local receiver refused the warm-up notification", e);
        }
    }

    StatusReport.State component(Component component) {
        return ops.status().components().stream().filter(c -> c.component() == component).findFirst()
                .orElseThrow().state();
    }

    /** The maximum time from a condition holding long enough to the page arriving, as the issue asks. */
    static Duration pageDeadline() {
        return INTERVAL.plusSeconds(1);
    }

    /**
     * Asserts that {@code page} came within {@link #pageDeadline()} of {@code conditionHolds} (epoch ms); if not, the
     * message says how the time split between the evaluator (until the incident opened) and the notifier.
     */
    void assertPagedInTime(PageReceiver.Received page, RuleId rule, long conditionHolds) {
        long opened = ops.status().incidents().stream().filter(i -> i.rule() == rule)
                .mapToLong(i -> i.openedAt().toEpochMilli()).max().orElse(-1);
        assertThat(page.at() - conditionHolds).as("page of %s %d ms after its condition held: fired after %d ms,"
                        + " delivered %d ms later", rule.key(), page.at() - conditionHolds, opened - conditionHolds,
                page.at() - opened).isLessThanOrEqualTo(pageDeadline().toMillis());
    }

    @Override
    public void close() {
        ops.close();
        pager.close();
        slack.close();
    }
}
