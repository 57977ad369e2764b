package io.corral.cloud.ops;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in alerting of a cloud: evaluates the {@link RuleId rules} every evaluation interval against
 * {@link OpsSignals}, pages or opens tickets through its notifiers, and keeps the incidents of the status page.
 * No Prometheus needed.
 *
 * <pre>{@code
 * Ops ops = Ops.builder()
 *         .signals(signals)
 *         .pageNotifier(new PagerDutyNotifier(URI.create("https://events.pagerduty.com/v2/enqueue"), key, null))
 *         .incidentStore(SqliteIncidentStore.open(dataDir))
 *         .build();                 // refuses a data-loss rule that does not page
 * ops.start();
 * StatusReport report = ops.status();
 * ops.close();                      // closes the incident store too
 * }</pre>
 *
 * <p>A rule fires once its condition has held for its {@code for} time; firing opens an incident and sends a
 * trigger through its route; the condition clearing resolves the incident and sends a resolve. Incidents left
 * open by a previous run are taken over and resolved when their rule is quiet. Thread-safe.
 */
public final class Ops implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Ops.class);

    private final AlertConfig config;
    private final OpsSignals signals;
    private final IncidentStore store;
    private final boolean ownsStore;
    private final Clock clock;
    private final String source;
    private final OpsListener listener;
    private final Duration history;
    private final DeliveringNotifier pager;
    private final DeliveringNotifier ticketer;
    private final List<Rules.Rule> rules;
    private final Map<RuleId, RuleState> states = new EnumMap<>(RuleId.class);
    private final ReentrantLock evaluation = new ReentrantLock();
    private final ScheduledExecutorService scheduler;
    private volatile List<Alert> active = List.of();
    /**
     * Notifications decided during one evaluation, sent only once its results are published: whoever is paged
     * and looks at the status page at once sees the alert there.
     */
    private final List<Runnable> outbox = new ArrayList<>();
    private volatile Map<RuleId, StatusReport.RuleStatus> ruleStatus = Map.of();
    private long lastPrune;
    private boolean started;
    private volatile boolean closed;

    private static final class RuleState {
        Instant since;
        String summary;
        boolean firing;
        long incidentId;
        Instant lastUpdate;
        String lastRecorded;
    }

    private Ops(Builder b, List<String> overridden) {
        this.config = b.config;
        this.signals = b.signals;
        this.store = b.store != null ? b.store : SqliteIncidentStore.inMemory();
        this.ownsStore = b.store == null || b.ownsStore;
        this.clock = b.clock;
        this.source = b.source != null ? b.source : hostName();
        this.listener = b.listener;
        this.history = b.history;
        this.pager = b.pageNotifier == null ? null : new DeliveringNotifier(b.pageNotifier, Route.PAGE,
                b.maxAttempts, b.initialBackoff, b.maxBackoff, b.listener);
        this.ticketer = b.ticketNotifier == null ? null : new DeliveringNotifier(b.ticketNotifier, Route.TICKET,
                b.maxAttempts, b.initialBackoff, b.maxBackoff, b.listener);
        this.rules = Rules.builtIn(config);
        for (RuleId id : RuleId.values()) {
            states.put(id, new RuleState());
        }
        this.scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("corral-alerts").daemon(true).factory());
        for (String problem : overridden) {
            log.error("{}: starting anyway because the override --allow-nonpaging-data-loss-alerts is set", problem);
        }
        if (pager == null) {
            log.warn("no page URL configured: pages are only logged; set --page-url to wake somebody up");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Takes over incidents left open by a previous run, then evaluates every evaluation interval. */
    public void start() {
        evaluation.lock();
        try {
            if (started || closed) {
                throw new IllegalStateException(closed ? "ops is closed" : "ops already started");
            }
            started = true;
            Instant now = clock.instant();
            for (Incident incident : store.openIncidents()) {
                RuleState state = states.get(incident.rule());
                if (state.firing) {
                    store.resolve(incident.id(), "Closed as a duplicate after a restart.", now);
                    continue;
                }
                state.firing = true;
                state.incidentId = incident.id();
                state.since = incident.openedAt();
                state.summary = incident.timeline().isEmpty() ? incident.title()
                        : incident.timeline().getLast().message();
                state.lastRecorded = state.summary;
                state.lastUpdate = now;
                store.update(incident.id(), "The cloud restarted; checking whether this still holds.", now);
            }
        } finally {
            evaluation.unlock();
        }
        long interval = config.evaluationInterval().toMillis();
        Periodic.withFixedDelay(scheduler, "alert-evaluation", Duration.ZERO, Duration.ofMillis(interval),
                this::evaluateSafely);
    }

    private void evaluateSafely() {
        try {
            evaluateNow();
        } catch (RuntimeException e) {
            log.warn("alert evaluation failed", e);
            listener.evaluationFailed(e);
        }
    }

    /** Evaluates every rule once, now; the scheduler calls it every evaluation interval. */
    public void evaluateNow() {
        evaluation.lock();
        try {
            if (closed) {
                return;
            }
            Instant now = clock.instant();
            Rules.Sample sample = sample(now.toEpochMilli());
            List<Alert> alerts = new ArrayList<>();
            Map<RuleId, StatusReport.RuleStatus> statuses = new EnumMap<>(RuleId.class);
            for (Rules.Rule rule : rules) {
                AlertConfig.RuleSettings settings = config.rule(rule.id);
                if (!settings.enabled()) {
                    statuses.put(rule.id, new StatusReport.RuleStatus(rule.id, settings.route(),
                            settings.severity(), "disabled", null));
                    continue;
                }
                String condition;
                try {
                    condition = rule.check(sample);
                } catch (RuntimeException e) {
                    log.warn("alert rule {} failed", rule.id.key(), e);
                    listener.evaluationFailed(e);
                    continue;
                }
                RuleState state = states.get(rule.id);
                step(rule.id, settings, state, condition, now);
                if (state.since != null) {
                    alerts.add(alertOf(rule.id, settings, state));
                }
                String shown = state.firing ? "firing" : state.since != null ? "pending"
                        : rule.wired(sample) ? "ok" : "not_wired";
                statuses.put(rule.id, new StatusReport.RuleStatus(rule.id, settings.route(), settings.severity(),
                        shown, state.summary));
            }
            active = List.copyOf(alerts);
            if (ruleStatus.isEmpty()) {
                List<String> unwired = statuses.values().stream().filter(r -> r.state().equals("not_wired"))
                        .map(r -> r.rule().key()).toList();
                if (!unwired.isEmpty()) {
                    log.info("alert rules without a signal in this cloud (shown as not wired): {}", unwired);
                }
            }
            ruleStatus = Map.copyOf(statuses);
            if (now.toEpochMilli() - lastPrune > Duration.ofHours(1).toMillis()) {
                lastPrune = now.toEpochMilli();
                int pruned = store.prune(now.minus(history));
                if (pruned > 0) {
                    log.info("pruned {} incidents resolved more than {} ago", pruned, history);
                }
            }
        } finally {
            // Also after a failure half-way: the rules that changed state must still be told.
            outbox.forEach(Runnable::run);
            outbox.clear();
            evaluation.unlock();
        }
    }

    private void step(RuleId id, AlertConfig.RuleSettings settings, RuleState state, String condition, Instant now) {
        if (condition == null) {
            if (state.firing) {
                resolve(id, settings, state, now);
            }
            state.since = null;
            state.summary = null;
            return;
        }
        if (state.since == null) {
            state.since = now;
        }
        state.summary = condition;
        if (!state.firing) {
            if (Duration.between(state.since, now).compareTo(settings.holdFor()) >= 0) {
                fire(id, settings, state, now);
            }
        } else if (!condition.equals(state.lastRecorded)
                && Duration.between(state.lastUpdate, now).compareTo(config.evaluationInterval().multipliedBy(12)) >= 0) {
            store.update(state.incidentId, condition, now);
            state.lastRecorded = condition;
            state.lastUpdate = now;
        }
    }

    private void fire(RuleId id, AlertConfig.RuleSettings settings, RuleState state, Instant now) {
        state.firing = true;
        state.incidentId = store.open(id, id.component(), settings.severity(), id.title(), state.summary, now);
        state.lastRecorded = state.summary;
        state.lastUpdate = now;
        Alert alert = alertOf(id, settings, state);
        Notification trigger = new Notification(Notification.Action.TRIGGER, id, settings.severity(),
                id.component(), state.summary, now, source, state.incidentId);
        outbox.add(() -> {
            notify(trigger, settings.route());
            listener.alertFired(alert);
        });
    }

    private void resolve(RuleId id, AlertConfig.RuleSettings settings, RuleState state, Instant now) {
        Alert alert = alertOf(id, settings, state);
        String lasted = Rules.age(Duration.between(state.since, now));
        store.resolve(state.incidentId, "Resolved: the condition cleared after " + lasted + ". Last seen: "
                + state.summary, now);
        Notification resolve = new Notification(Notification.Action.RESOLVE, id, settings.severity(),
                id.component(), "cleared after " + lasted + "; last seen: " + state.summary, now, source,
                state.incidentId);
        outbox.add(() -> {
            notify(resolve, settings.route());
            listener.alertResolved(alert);
        });
        state.firing = false;
        state.incidentId = 0;
        state.lastRecorded = null;
    }

    private void notify(Notification n, Route route) {
        DeliveringNotifier target = switch (route) {
            case PAGE -> pager;
            case TICKET -> ticketer;
            case LOG -> null;
        };
        if (n.rule() == RuleId.NOTIFIER_FAILING && target != null
                && target.health().consecutiveFailures() >= config.notifierConsecutiveFailures) {
            // Tell the failing notifier's problem through the other one, if there is one.
            target = target == pager ? ticketer : pager;
        }
        if (target != null) {
            target.submit(n);
        } else if (route == Route.PAGE) {
            log.error("PAGE {} {} [{}]: {} (no page URL configured: nobody is paged)", n.action(), n.rule().key(),
                    n.component().title(), n.summary());
        } else {
            log.warn("{} {} {} [{}]: {}", route.wireName().toUpperCase(java.util.Locale.ROOT), n.action(),
                    n.rule().key(), n.component().title(), n.summary());
        }
    }

    private Alert alertOf(RuleId id, AlertConfig.RuleSettings settings, RuleState state) {
        return new Alert(id, settings.severity(), settings.route(), id.component(), state.summary, state.since,
                state.firing, state.incidentId);
    }

    private Rules.Sample sample(long at) {
        return new Rules.Sample(at,
                read(signals::connectedDevices),
                read(signals::eventsPublished),
                read(signals::flow),
                read(signals::workers),
                read(signals::fds),
                read(signals::admission),
                read(signals::apiResponses),
                notifierHealth(),
                read(signals::periodicTasks),
                read(signals::disk));
    }

    private <T> T read(java.util.function.Supplier<Optional<T>> signal) {
        try {
            return signal.get().orElse(null);
        } catch (RuntimeException e) {
            log.warn("reading an ops signal failed", e);
            return null;
        }
    }

    /** The alerts whose condition holds now, firing or pending. */
    public List<Alert> activeAlerts() {
        return active;
    }

    /** Whether the rule fires now. */
    public boolean firing(RuleId rule) {
        return active.stream().anyMatch(a -> a.rule() == rule && a.firing());
    }

    /** Health of the page and ticket notifiers that are configured. */
    public List<NotifierHealth> notifierHealth() {
        List<NotifierHealth> all = new ArrayList<>();
        if (pager != null) {
            all.add(pager.health());
        }
        if (ticketer != null) {
            all.add(ticketer.health());
        }
        return all;
    }

    /** The status page's content now. */
    public StatusReport status() {
        Instant now = clock.instant();
        List<Alert> alerts = active;
        List<StatusReport.ComponentStatus> components = new ArrayList<>();
        StatusReport.State overall = StatusReport.State.OPERATIONAL;
        for (Component component : Component.values()) {
            List<Alert> mine = alerts.stream().filter(a -> a.firing() && a.component() == component).toList();
            StatusReport.State state = StatusReport.State.OPERATIONAL;
            for (Alert a : mine) {
                state = state.worse(StatusReport.State.of(a.severity()));
            }
            overall = overall.worse(state);
            components.add(new StatusReport.ComponentStatus(component, state, mine));
        }
        List<StatusReport.RuleStatus> rulesNow = new ArrayList<>();
        Map<RuleId, StatusReport.RuleStatus> statuses = ruleStatus;
        for (RuleId id : RuleId.values()) {
            AlertConfig.RuleSettings s = config.rule(id);
            rulesNow.add(statuses.getOrDefault(id, new StatusReport.RuleStatus(id, s.route(), s.severity(),
                    s.enabled() ? "ok" : "disabled", null)));
        }
        List<Incident> incidents = store.since(now.minus(history));
        return new StatusReport(now, overall, components, alerts, rulesNow, notifierHealth(), incidents,
                history(incidents, now));
    }

    private List<StatusReport.ComponentHistory> history(List<Incident> incidents, Instant now) {
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        int days = (int) Math.max(1, history.toDays());
        List<StatusReport.ComponentHistory> all = new ArrayList<>();
        for (Component component : Component.values()) {
            List<StatusReport.Day> list = new ArrayList<>();
            for (int i = days - 1; i >= 0; i--) {
                LocalDate day = today.minusDays(i);
                Instant start = day.atStartOfDay(ZoneOffset.UTC).toInstant();
                Instant end = start.plus(Duration.ofDays(1));
                StatusReport.State state = StatusReport.State.OPERATIONAL;
                for (Incident incident : incidents) {
                    Instant resolved = incident.resolvedAt() == null ? now : incident.resolvedAt();
                    if (incident.component() == component && incident.openedAt().isBefore(end)
                            && !resolved.isBefore(start)) {
                        state = state.worse(StatusReport.State.of(incident.severity()));
                    }
                }
                list.add(new StatusReport.Day(day, state));
            }
            all.add(new StatusReport.ComponentHistory(component, list));
        }
        return all;
    }

    /** The settings in use. */
    public AlertConfig config() {
        return config;
    }

    /**
     * Stops evaluating, lets queued notifications go out (a few seconds at most), and closes the incident store
     * unless it was given as {@linkplain Builder#sharedIncidentStore shared}.
     */
    @Override
    public void close() {
        evaluation.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            evaluation.unlock();
        }
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (pager != null) {
            pager.close();
        }
        if (ticketer != null) {
            ticketer.close();
        }
        if (ownsStore) {
            store.close();
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "corral-cloud";
        }
    }

    /**
     * Checks notifier retry settings: attempts in [1, 100] and {@code 0 <= backoff <= maxBackoff}.
     *
     * @throws IllegalArgumentException naming the bad value
     */
    public static void checkNotifierRetry(int attempts, Duration backoff, Duration maxBackoff) {
        if (attempts < 1 || attempts > 100) {
            throw new IllegalArgumentException("notifierRetry attempts must be in [1, 100], was " + attempts);
        }
        if (backoff == null || backoff.isNegative() || maxBackoff == null || maxBackoff.compareTo(backoff) < 0) {
            throw new IllegalArgumentException("notifierRetry backoff must satisfy 0 <= backoff <= maxBackoff, was "
                    + backoff + " and " + maxBackoff);
        }
    }

    /**
     * Settings of {@link Ops}. Defaults:
     * <ul>
     *   <li>{@code config}: {@link AlertConfig#defaults()}</li>
     *   <li>{@code signals}: required</li>
     *   <li>{@code incidentStore}: an in-memory SQLite store; the cloud passes {@code ops.db} in its data dir.
     *       Ops closes the store it is given, except a {@linkplain #sharedIncidentStore shared} one.</li>
     *   <li>{@code pageNotifier}, {@code ticketNotifier}: none; without them, pages and tickets are only logged</li>
     *   <li>{@code notifierRetry}: 8 tries, backoff from 1 s doubling to 60 s</li>
     *   <li>{@code allowNonPagingDataLoss}: false: {@link #build()} refuses a data-loss rule that does not page</li>
     *   <li>{@code history}: 30 days of incidents kept</li>
     *   <li>{@code source}: this host's name</li>
     *   <li>{@code clock}: the system clock in UTC</li>
     * </ul>
     */
    public static final class Builder {
        private AlertConfig config = AlertConfig.defaults();
        private OpsSignals signals;
        private IncidentStore store;
        private boolean ownsStore;
        private Notifier pageNotifier;
        private Notifier ticketNotifier;
        private int maxAttempts = 8;
        private Duration initialBackoff = Duration.ofSeconds(1);
        private Duration maxBackoff = Duration.ofSeconds(60);
        private boolean allowNonPagingDataLoss;
        private Duration history = Duration.ofDays(30);
        private String source;
        private Clock clock = Clock.systemUTC();
        private OpsListener listener = new OpsListener() {
        };

        private Builder() {
        }

        public Builder config(AlertConfig config) {
            this.config = config;
            return this;
        }

        public Builder signals(OpsSignals signals) {
            this.signals = signals;
            return this;
        }

        /** Where incidents are kept; {@link Ops#close()} closes it. */
        public Builder incidentStore(IncidentStore store) {
            this.store = store;
            this.ownsStore = true;
            return this;
        }

        /** Where incidents are kept, a store that stays the caller's (a part of the cloud's storage): never closed. */
        public Builder sharedIncidentStore(IncidentStore store) {
            this.store = store;
            this.ownsStore = false;
            return this;
        }

        public Builder pageNotifier(Notifier notifier) {
            this.pageNotifier = notifier;
            return this;
        }

        public Builder ticketNotifier(Notifier notifier) {
            this.ticketNotifier = notifier;
            return this;
        }

        /** Tries per notification in [1, 100], and the backoff between them. */
        public Builder notifierRetry(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
            this.maxAttempts = maxAttempts;
            this.initialBackoff = initialBackoff;
            this.maxBackoff = maxBackoff;
            return this;
        }

        /** The explicit override that lets a data-loss rule not page. */
        public Builder allowNonPagingDataLoss(boolean allow) {
            this.allowNonPagingDataLoss = allow;
            return this;
        }

        /** How long incidents are kept, in [1 d, 400 d]. */
        public Builder history(Duration history) {
            this.history = history;
            return this;
        }

        public Builder source(String source) {
            this.source = source;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public Builder listener(OpsListener listener) {
            this.listener = listener;
            return this;
        }

        /**
         * Checks the settings, including that every data-loss rule pages.
         *
         * @throws AlertConfigException     if a data-loss rule does not page and there is no override
         * @throws IllegalArgumentException naming any other bad setting
         */
        public Ops build() {
            Objects.requireNonNull(config, "config");
            if (signals == null) {
                throw new IllegalArgumentException("signals must be set: the rules need something to read");
            }
            checkNotifierRetry(maxAttempts, initialBackoff, maxBackoff);
            if (history == null || history.compareTo(Duration.ofDays(1)) < 0
                    || history.compareTo(Duration.ofDays(400)) > 0) {
                throw new IllegalArgumentException("status history must be in [1 d, 400 d], was " + history);
            }
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(listener, "listener");
            List<String> overridden = config.validate(allowNonPagingDataLoss);
            return new Ops(this, overridden);
        }
    }
}
