package io.corral.cloud.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.cloud.testkit.Await;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The watchdog sheds above the high-water mark, recovers below the low-water mark, and says so each time. */
class FdWatchdogTest {

    @Test
    void sheds_at_the_high_water_mark_and_recovers_below_the_low_one() {
        AtomicLong open = new AtomicLong(10);
        List<String> heard = new CopyOnWriteArrayList<>();
        try (FdWatchdog watchdog = new FdWatchdog(0.8, 0.7, Duration.ofMillis(10), open::get, () -> 100)) {
            watchdog.addListener(new FdWatchdog.Listener() {
                @Override
                public void onShedding(long openFds, long maxFds) {
                    heard.add("shed " + openFds + "/" + maxFds);
                }

                @Override
                public void onRecovered(long openFds, long maxFds) {
                    heard.add("recovered " + openFds + "/" + maxFds);
                }
            });
            assertThat(watchdog.shedding()).isFalse();
            open.set(80);
            Await.until("shedding", watchdog::shedding);
            open.set(75);
            Await.until("the watchdog has looked again", () -> watchdog.openFds() == 75);
            assertThat(watchdog.shedding()).as("between the marks it keeps shedding").isTrue();
            open.set(69);
            // The flag drops before the listener hears of it: wait for what the listener heard.
            Await.until("recovery heard", () -> heard.size() == 2);
            assertThat(heard).containsExactly("shed 80/100", "recovered 69/100");
        }
    }

    @Test
    void an_error_while_reading_the_fds_does_not_kill_the_watchdog_and_shedding_is_released_after_it() {
        AtomicLong open = new AtomicLong(90);
        java.util.concurrent.atomic.AtomicBoolean failing = new java.util.concurrent.atomic.AtomicBoolean();
        long failuresBefore = Periodic.failures("fd-watchdog");
        try (FdWatchdog watchdog = new FdWatchdog(0.8, 0.7, Duration.ofMillis(10), () -> {
            if (failing.get()) {
                // What fd exhaustion does to a JVM: an Error, not an exception, out of a plain read.
                throw new OutOfMemoryError("unable to create native thread");
            }
            return open.get();
        }, () -> 100)) {
            Await.until("shedding", watchdog::shedding);
            failing.set(true);
            Await.until("the check failed a few times", () -> Periodic.failures("fd-watchdog") >= failuresBefore + 3);
            open.set(20);
            failing.set(false);
            Await.until("shedding released once the fds are below the low-water mark", () -> !watchdog.shedding());
            assertThat(watchdog.openFds()).isEqualTo(20);
        }
    }

    @Test
    void refuses_marks_out_of_order() {
        assertThatThrownBy(() -> FdWatchdog.start(0.5, 0.6, Duration.ofSeconds(1)))
                .hasMessage("fd lowWater must be in (0, highWater 0.5), was 0.6");
        assertThatThrownBy(() -> FdWatchdog.start(1.5, 0.6, Duration.ofSeconds(1)))
                .hasMessage("fd highWater must be in (0, 1], was 1.5");
    }
}
