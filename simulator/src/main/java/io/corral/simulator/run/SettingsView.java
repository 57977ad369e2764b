package io.corral.simulator.run;

import io.corral.cloud.config.Setting;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A run's settings by key (as {@code snake_case}), as the result records them: what someone needs to run it
 * again. Durations are written in the syntax they are typed in; counts and rates stay numbers.
 */
final class SettingsView {
    private SettingsView() {
    }

    static Map<String, Object> of(RunSettings s, int devices) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("scenario", s.scenario().cliName());
        view.put(name(SimKeys.DEVICES), devices);
        view.put(name(SimKeys.AUTH), s.auth() == null ? "all" : SimKeys.AUTH.format(s.auth()));
        view.put(name(SimKeys.RESUME), SimKeys.RESUME.format(s.resume()));
        view.put(name(SimKeys.RAMP_RATE), s.scenario() == Scenario.COLD_START ? 0 : s.rampRate());
        time(view, SimKeys.KEEPALIVE, s.keepalive());
        time(view, SimKeys.PING_TIMEOUT, s.pingTimeout());
        time(view, SimKeys.HANDSHAKE_TIMEOUT, s.handshakeTimeout());
        time(view, SimKeys.BACKOFF_BASE, s.backoffBase());
        time(view, SimKeys.BACKOFF_CAP, s.backoffCap());
        if (s.scenario() == Scenario.HERD) {
            view.put(name(SimKeys.OUTAGE), SimKeys.OUTAGE.format(s.outage()));
            time(view, SimKeys.OUTAGE_DURATION, s.outageDuration());
            time(view, SimKeys.SETTLE, s.settle());
        }
        if (s.scenario() == Scenario.STEADY) {
            time(view, SimKeys.DURATION, s.duration());
            time(view, SimKeys.PUBLISH_INTERVAL, s.publishInterval());
            view.put(name(SimKeys.CALL_RATE), s.callRate());
        }
        view.put(name(SimKeys.SOURCE_ADDRESSES), s.sourceAddresses() > 0 ? s.sourceAddresses()
                : Math.min(250, devices));
        view.put(name(SimKeys.EXECUTOR_THREADS), s.executorThreads() > 0 ? s.executorThreads()
                : Runtime.getRuntime().availableProcessors());
        view.put("simulator_cpus", Runtime.getRuntime().availableProcessors());
        return view;
    }

    private static void time(Map<String, Object> view, Setting<Duration> setting, Duration value) {
        view.put(name(setting), setting.format(value));
    }

    private static String name(Setting<?> setting) {
        return setting.key().replace('-', '_');
    }
}
