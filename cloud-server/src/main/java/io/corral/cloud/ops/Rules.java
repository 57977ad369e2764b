package io.corral.cloud.ops;

import io.corral.cloud.ops.OpsSignals.Admission;
import io.corral.cloud.ops.OpsSignals.ApiResponses;
import io.corral.cloud.ops.OpsSignals.Fds;
import io.corral.cloud.ops.OpsSignals.Flow;
import io.corral.cloud.ops.OpsSignals.Worker;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The built-in rules. Each one reads a {@link Sample} per evaluation, keeps the history it needs, and answers
 * the condition it sees now (a sentence for people) or null. Holding a condition for the rule's {@code for} time,
 * firing and resolving are the evaluator's business. Rules are used from the evaluator's thread only.
 */
final class Rules {
    private Rules() {
    }

    /** Everything one evaluation reads, at one moment; a null field is a signal nobody provides. */
    record Sample(long at, Long devices, Long published, Flow flow, List<Worker> workers, Fds fds,
                  Admission admission, ApiResponses api, List<NotifierHealth> notifiers,
                  List<Periodic.Task> tasks, OpsSignals.Disk disk) {
    }

    abstract static class Rule {
        final RuleId id;

        Rule(RuleId id) {
            this.id = id;
        }

        /** The condition as people read it, or null when all is well. */
        abstract String check(Sample s);

        /** Whether the signals the rule needs are there at all. */
        abstract boolean wired(Sample s);
    }

    static List<Rule> builtIn(AlertConfig config) {
        return List.of(new WorkerDown(config), new FlowImbalance(config), new DeliveryBacklog(config),
                new FileDescriptors(config), new WatchdogStalled(config), new DiskFree(config), new DevicesDrop(config), new EventTrafficLow(config),
                new AdmissionDeferring(config), new ApiErrors(config), new NotifierFailing(config));
    }

    /** Timestamped samples of one value, kept for a window. */
    static final class Series<T> {
        private final ArrayDeque<Point<T>> points = new ArrayDeque<>();
        private final long windowMillis;

        record Point<T>(long at, T value) {
        }

        Series(Duration window) {
            this.windowMillis = window.toMillis();
        }

        /** Adds the sample and forgets those older than the window, keeping one at or before its start. */
        void add(long at, T value) {
            points.addLast(new Point<>(at, value));
            while (points.size() > 1) {
                Point<T> second = points.stream().skip(1).findFirst().orElseThrow();
                if (second.at() <= at - windowMillis) {
                    points.removeFirst();
                } else {
                    break;
                }
            }
        }

        Point<T> oldest() {
            return points.peekFirst();
        }

        List<Point<T>> all() {
            return new ArrayList<>(points);
        }

        double max(ToDoubleFunction<T> f) {
            return points.stream().mapToDouble(p -> f.applyAsDouble(p.value())).max().orElse(0);
        }
    }

    static String age(Duration d) {
        long s = d.toSeconds();
        if (s < 120) {
            return d.toMillis() < 10_000 ? String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0) : s + " s";
        }
        return s < 7200 ? (s / 60) + " min" : (s / 3600) + " h";
    }

    static final class WorkerDown extends Rule {
        private final Duration timeout;
        private final int maxRestarts;
        private final Duration window;
        private final Map<String, Series<Long>> restarts = new HashMap<>();

        WorkerDown(AlertConfig c) {
            super(RuleId.WORKER_DOWN);
            this.timeout = c.heartbeatTimeout;
            this.maxRestarts = c.maxRestarts;
            this.window = c.restartWindow;
        }

        @Override
        boolean wired(Sample s) {
            return s.workers() != null;
        }

        @Override
        String check(Sample s) {
            if (s.workers() == null) {
                return null;
            }
            List<String> problems = new ArrayList<>();
            for (Worker w : s.workers()) {
                long silent = s.at() - w.lastHeartbeat();
                if (silent > timeout.toMillis()) {
                    problems.add(w.name() + ": no heartbeat for " + age(Duration.ofMillis(silent)));
                }
                Series<Long> series = restarts.computeIfAbsent(w.name(), k -> new Series<>(window));
                series.add(s.at(), w.restarts());
                long recent = w.restarts() - series.oldest().value();
                if (recent >= maxRestarts) {
                    problems.add(w.name() + ": restarted " + recent + " times within " + age(window));
                }
            }
            return problems.isEmpty() ? null : String.join("; ", problems);
        }
    }

    static final class FlowImbalance extends Rule {
        private final Series<Flow> series;
        private final double tolerance;
        private final long minImbalance;
        private final Duration window;

        FlowImbalance(AlertConfig c) {
            super(RuleId.FLOW_IMBALANCE);
            this.series = new Series<>(c.flowWindow);
            this.tolerance = c.flowTolerance;
            this.minImbalance = c.flowMinImbalance;
            this.window = c.flowWindow;
        }

        @Override
        boolean wired(Sample s) {
            return s.flow() != null;
        }

        @Override
        String check(Sample s) {
            if (s.flow() == null) {
                return null;
            }
            series.add(s.at(), s.flow());
            Flow base = series.oldest().value();
            Flow now = s.flow();
            long matched = now.matched() - base.matched();
            long delivered = now.delivered() - base.delivered();
            long failed = now.failed() - base.failed();
            long queuedChange = now.queued() - base.queued();
            long missing = matched - (delivered + failed + queuedChange);
            double allowed = Math.max(minImbalance, tolerance * Math.max(matched, 0)) + base.slack() + now.slack();
            if (Math.abs(missing) < allowed) {
                return null;
            }
            return String.format(Locale.ROOT, "within %s, %d deliveries matched integrations but %d are accounted"
                            + " for (delivered %d, failed %d, queue change %+d): %d %s", age(window), matched,
                    delivered + failed + queuedChange, delivered, failed, queuedChange, Math.abs(missing),
                    missing > 0 ? "missing" : "more out than in");
        }
    }

    static final class DeliveryBacklog extends Rule {
        private final Duration maxAge;

        DeliveryBacklog(AlertConfig c) {
            super(RuleId.DELIVERY_BACKLOG);
            this.maxAge = c.backlogMaxAge;
        }

        @Override
        boolean wired(Sample s) {
            return s.flow() != null;
        }

        @Override
        String check(Sample s) {
            if (s.flow() == null || s.flow().oldestPending().compareTo(maxAge) <= 0) {
                return null;
            }
            return "the oldest pending delivery is " + age(s.flow().oldestPending()) + " old (limit " + age(maxAge)
                    + "); " + s.flow().queued() + " deliveries queued";
        }
    }

    static final class FileDescriptors extends Rule {
        private final double utilisation;
        private final Duration horizon;
        private final long budget;
        private final Series<Long> series;
        private final Duration slopeWindow;

        FileDescriptors(AlertConfig c) {
            super(RuleId.FILE_DESCRIPTORS);
            this.utilisation = c.fdUtilisation;
            this.horizon = c.fdHorizon;
            this.budget = c.fdBudget;
            this.slopeWindow = c.fdSlopeWindow;
            this.series = new Series<>(c.fdSlopeWindow);
        }

        @Override
        boolean wired(Sample s) {
            return s.fds() != null;
        }

        @Override
        String check(Sample s) {
            if (s.fds() == null) {
                return null;
            }
            long open = s.fds().open();
            long max = budget > 0 ? Math.min(budget, s.fds().max()) : s.fds().max();
            series.add(s.at(), open);
            double used = max <= 0 ? 0 : (double) open / max;
            if (used > utilisation) {
                return String.format(Locale.ROOT, "%d of %d file descriptors open (%.0f %%, limit %.0f %%)", open,
                        max, used * 100, utilisation * 100);
            }
            double perMilli = slope(series.all());
            List<Series.Point<Long>> points = series.all();
            boolean enoughHistory = points.size() >= 3
                    && points.getLast().at() - points.getFirst().at() >= slopeWindow.toMillis() / 2;
            if (enoughHistory && perMilli > 0) {
                double millisLeft = (max - open) / perMilli;
                if (millisLeft < horizon.toMillis()) {
                    return String.format(Locale.ROOT, "%d of %d file descriptors open and rising by %.1f per minute:"
                                    + " exhausted in about %s", open, max, perMilli * 60_000,
                            age(Duration.ofMillis((long) millisLeft)));
                }
            }
            return null;
        }

        /** Least-squares slope, per millisecond. */
        private static double slope(List<Series.Point<Long>> points) {
            int n = points.size();
            if (n < 2) {
                return 0;
            }
            long t0 = points.getFirst().at();
            double sx = 0, sy = 0, sxx = 0, sxy = 0;
            for (Series.Point<Long> p : points) {
                double x = p.at() - t0;
                double y = p.value();
                sx += x;
                sy += y;
                sxx += x * x;
                sxy += x * y;
            }
            double denominator = n * sxx - sx * sx;
            return denominator == 0 ? 0 : (n * sxy - sx * sy) / denominator;
        }
    }

    /** A periodic task that has not finished a run for several of its periods: blocked, or its thread is gone. */
    static final class WatchdogStalled extends Rule {
        private final int periods;

        WatchdogStalled(AlertConfig c) {
            super(RuleId.WATCHDOG_STALLED);
            this.periods = c.stalledPeriods;
        }

        @Override
        boolean wired(Sample s) {
            return s.tasks() != null;
        }

        @Override
        String check(Sample s) {
            if (s.tasks() == null) {
                return null;
            }
            List<String> stalled = new ArrayList<>();
            for (Periodic.Task task : s.tasks()) {
                long silent = s.at() - task.lastRunMillis();
                if (silent > periods * task.period().toMillis()) {
                    stalled.add(task.name() + ": no run finished for " + age(Duration.ofMillis(silent)) + " (runs every "
                            + age(task.period()) + ")");
                }
            }
            return stalled.isEmpty() ? null : String.join("; ", stalled);
        }
    }

    /** Free space under the data directory below a number of bytes or a fraction of the file system. */
    static final class DiskFree extends Rule {
        private final long minBytes;
        private final double minFraction;

        DiskFree(AlertConfig c) {
            super(RuleId.DISK_FREE);
            this.minBytes = c.diskFreeMinBytes;
            this.minFraction = c.diskFreeMinFraction;
        }

        @Override
        boolean wired(Sample s) {
            return s.disk() != null;
        }

        @Override
        String check(Sample s) {
            OpsSignals.Disk d = s.disk();
            if (d == null || d.total() <= 0) {
                return null;
            }
            double fraction = (double) d.free() / d.total();
            if (d.free() >= minBytes && fraction >= minFraction) {
                return null;
            }
            return String.format(Locale.ROOT, "%s has %d bytes free of %d (%.1f %%; alert below %d bytes or %.1f %%):"
                            + " storage refuses writes when it is full", d.path(), d.free(), d.total(), fraction * 100,
                    minBytes, minFraction * 100);
        }
    }

    static final class DevicesDrop extends Rule {
        private final double fraction;
        private final long minDevices;
        private final Duration window;
        private final Series<Long> series;
        private long reference = -1;
        private long referenceSince;

        DevicesDrop(AlertConfig c) {
            super(RuleId.DEVICES_DROP);
            this.fraction = c.devicesDropFraction;
            this.minDevices = c.devicesDropMinDevices;
            this.window = c.devicesDropWindow;
            this.series = new Series<>(c.devicesDropWindow);
        }

        @Override
        boolean wired(Sample s) {
            return s.devices() != null;
        }

        @Override
        String check(Sample s) {
            if (s.devices() == null) {
                return null;
            }
            long now = s.devices();
            series.add(s.at(), now);
            long peak = (long) series.max(Long::doubleValue);
            if (reference < 0 && peak >= minDevices && now < peak * (1 - fraction)) {
                reference = peak;
                referenceSince = s.at();
            }
            // Once dropped, the alert holds until the devices are back (or 30 windows pass: the fleet changed).
            if (reference >= 0 && (now >= reference * (1 - fraction)
                    || s.at() - referenceSince > 30 * window.toMillis())) {
                reference = -1;
            }
            if (reference < 0) {
                return null;
            }
            return String.format(Locale.ROOT, "connected devices fell from %d to %d (%.0f %%) within %s", reference,
                    now, (now - reference) * 100.0 / reference, age(window));
        }
    }

    static final class EventTrafficLow extends Rule {
        private final AlertConfig c;
        private final Series<Long> series;
        private double baseline = Double.NaN;
        private long learningSince = -1;
        private long lastAt = -1;

        EventTrafficLow(AlertConfig c) {
            super(RuleId.EVENT_TRAFFIC_LOW);
            this.c = c;
            this.series = new Series<>(c.trafficWindow);
        }

        @Override
        boolean wired(Sample s) {
            return s.published() != null;
        }

        @Override
        String check(Sample s) {
            if (s.published() == null) {
                return null;
            }
            series.add(s.at(), s.published());
            Series.Point<Long> base = series.oldest();
            long span = s.at() - base.at();
            if (learningSince < 0) {
                learningSince = s.at();
            }
            if (span <= 0) {
                lastAt = s.at();
                return null;
            }
            double rate = (s.published() - base.value()) * 1000.0 / span;
            boolean warm = s.at() - learningSince >= c.trafficWarmup.toMillis()
                    && span >= c.trafficWindow.toMillis() * 0.9;
            boolean low = warm && !Double.isNaN(baseline) && baseline >= c.trafficMinRate
                    && rate < c.trafficFraction * baseline;
            if (!low) {
                // Learn only from normal traffic: a baseline that learnt the outage would resolve it by itself.
                double dt = lastAt < 0 ? 0 : s.at() - lastAt;
                double alpha = 1 - Math.exp(-dt * Math.log(2) / c.trafficHalfLife.toMillis());
                baseline = Double.isNaN(baseline) ? rate : baseline + alpha * (rate - baseline);
            }
            lastAt = s.at();
            if (!low) {
                return null;
            }
            return String.format(Locale.ROOT, "%.2f events/s within %s, below %.0f %% of the learned baseline of"
                    + " %.2f events/s", rate, age(c.trafficWindow), c.trafficFraction * 100, baseline);
        }

        double baseline() {
            return baseline;
        }
    }

    static final class AdmissionDeferring extends Rule {
        private final double fraction;
        private final long minHandshakes;
        private final Duration window;
        private final Series<Admission> series;

        AdmissionDeferring(AlertConfig c) {
            super(RuleId.ADMISSION_DEFERRING);
            this.fraction = c.admissionFraction;
            this.minHandshakes = c.admissionMinHandshakes;
            this.window = c.admissionWindow;
            this.series = new Series<>(c.admissionWindow);
        }

        @Override
        boolean wired(Sample s) {
            return s.admission() != null;
        }

        @Override
        String check(Sample s) {
            if (s.admission() == null) {
                return null;
            }
            series.add(s.at(), s.admission());
            Admission base = series.oldest().value();
            long admitted = s.admission().admitted() - base.admitted();
            long deferred = s.admission().deferred() - base.deferred();
            long total = admitted + deferred;
            if (total < minHandshakes || deferred <= fraction * total) {
                return null;
            }
            return String.format(Locale.ROOT, "%d of %d handshakes deferred within %s (%.0f %%)", deferred, total,
                    age(window), deferred * 100.0 / total);
        }
    }

    static final class ApiErrors extends Rule {
        private final double fraction;
        private final long minErrors;
        private final Duration window;
        private final Series<ApiResponses> series;

        ApiErrors(AlertConfig c) {
            super(RuleId.API_ERRORS);
            this.fraction = c.apiErrorFraction;
            this.minErrors = c.apiMinErrors;
            this.window = c.apiErrorWindow;
            this.series = new Series<>(c.apiErrorWindow);
        }

        @Override
        boolean wired(Sample s) {
            return s.api() != null;
        }

        @Override
        String check(Sample s) {
            if (s.api() == null) {
                return null;
            }
            series.add(s.at(), s.api());
            ApiResponses base = series.oldest().value();
            long responses = s.api().responses() - base.responses();
            long errors = s.api().serverErrors() - base.serverErrors();
            if (errors < minErrors || errors <= fraction * responses) {
                return null;
            }
            return String.format(Locale.ROOT, "%d of %d API responses within %s were server errors (%.0f %%)",
                    errors, responses, age(window), errors * 100.0 / Math.max(responses, 1));
        }
    }

    static final class NotifierFailing extends Rule {
        private final int consecutive;

        NotifierFailing(AlertConfig c) {
            super(RuleId.NOTIFIER_FAILING);
            this.consecutive = c.notifierConsecutiveFailures;
        }

        @Override
        boolean wired(Sample s) {
            return s.notifiers() != null && !s.notifiers().isEmpty();
        }

        @Override
        String check(Sample s) {
            if (s.notifiers() == null) {
                return null;
            }
            List<String> failing = new ArrayList<>();
            for (NotifierHealth h : s.notifiers()) {
                if (h.consecutiveFailures() >= consecutive) {
                    failing.add(h.name() + " (" + h.target() + "): " + h.consecutiveFailures()
                            + " sends failed in a row, last: " + h.lastError());
                }
            }
            return failing.isEmpty() ? null : String.join("; ", failing);
        }
    }
}
