package io.corral.cloud.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.cloud.ops.AlertConfig;
import io.corral.cloud.ops.Component;
import io.corral.cloud.ops.Notification;
import io.corral.cloud.ops.Notifier;
import io.corral.cloud.ops.Ops;
import io.corral.cloud.ops.OpsSignals;
import io.corral.cloud.ops.PagerDutyNotifier;
import io.corral.cloud.ops.RuleId;
import io.corral.cloud.ops.Severity;
import io.corral.cloud.ops.SlackNotifier;
import io.corral.cloud.ops.StatusReport;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;

/**
 * A started {@link Ops} (the alert evaluator) on the signals a test gives it, evaluating every 200 ms so that a
 * rule test takes seconds, paging a real {@link PageReceiver} ({@link #pager()}, PagerDuty's format) and
 * ticketing another ({@link #slack()}, Slack's format). Closing it closes the evaluator and the receivers.
 */
public final class TestOps implements AutoCloseable {
    /** How often the rules are evaluated. */
    public static final Duration INTERVAL = Duration.ofMillis(200);
    private static final AtomicBoolean WARMED_UP = new AtomicBoolean();
    private final PageReceiver pager = new PageReceiver();
    private final PageReceiver slack = new PageReceiver();
    private final Ops ops;

    /** Rules as {@code config} sets them over an evaluation every {@link #INTERVAL}. */
    public TestOps(OpsSignals signals, UnaryOperator<AlertConfig.Builder> config) {
        this(signals, config, UnaryOperator.identity());
    }

    /** As {@link #TestOps(OpsSignals, UnaryOperator)}, with {@code more} over the {@link Ops} builder. */
    public TestOps(OpsSignals signals, UnaryOperator<AlertConfig.Builder> config, UnaryOperator<Ops.Builder> more) {
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

    public Ops ops() {
        return ops;
    }

    /** The receiver of pages. */
    public PageReceiver pager() {
        return pager;
    }

    /** The receiver of tickets. */
    public PageReceiver slack() {
        return slack;
    }

    /** The state the status page shows for {@code component}. */
    public StatusReport.State component(Component component) {
        return ops.status().components().stream().filter(c -> c.component() == component).findFirst()
                .orElseThrow().state();
    }

    /** The maximum time from a condition holding long enough to the page arriving, as the issue asks. */
    public static Duration pageDeadline() {
        return INTERVAL.plusSeconds(1);
    }

    /**
     * Asserts that {@code page} came within {@link #pageDeadline()} of {@code conditionHolds} (epoch ms); if not, the
     * message says how the time split between the evaluator (until the incident opened) and the notifier.
     */
    public void assertPagedInTime(PageReceiver.Received page, RuleId rule, long conditionHolds) {
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
