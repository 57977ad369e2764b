package io.corral.cloud.ops;

import java.time.Duration;
import java.util.function.UnaryOperator;

/** Builds an {@link Ops} against real receivers with short windows, so a rule test takes seconds. */
final class OpsFixture implements AutoCloseable {
    static final Duration INTERVAL = Duration.ofMillis(200);
    final PageReceiver pager = new PageReceiver();
    final PageReceiver slack = new PageReceiver();
    final Ops ops;

    OpsFixture(OpsSignals signals, UnaryOperator<AlertConfig.Builder> config) {
        this(signals, config, UnaryOperator.identity());
    }

    OpsFixture(OpsSignals signals, UnaryOperator<AlertConfig.Builder> config, UnaryOperator<Ops.Builder> more) {
        AlertConfig alerts = config.apply(AlertConfig.builder().evaluationInterval(INTERVAL)).build();
        ops = more.apply(Ops.builder().config(alerts).signals(signals).source("test-cloud")
                        .pageNotifier(new PagerDutyNotifier(pager.url(), "test-key", "http://status.test/status"))
                        .ticketNotifier(new SlackNotifier(slack.url(), null))
                        .notifierRetry(5, Duration.ofMillis(50), Duration.ofMillis(200)))
                .build();
        ops.start();
    }

    StatusReport.State component(Component component) {
        return ops.status().components().stream().filter(c -> c.component() == component).findFirst()
                .orElseThrow().state();
    }

    /** The maximum time from a condition holding long enough to the page arriving, as the issue asks. */
    static Duration pageDeadline() {
        return INTERVAL.plusSeconds(1);
    }

    @Override
    public void close() {
        ops.close();
        pager.close();
        slack.close();
    }
}
