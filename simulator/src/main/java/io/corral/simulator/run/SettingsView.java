package io.corral.simulator.run;

import java.util.LinkedHashMap;
import java.util.Map;

/** A run's settings by flag name, as the result records them: what someone needs to run it again. */
final class SettingsView {
    private SettingsView() {
    }

    static Map<String, Object> of(RunSettings s, int devices) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("scenario", s.scenario().cliName());
        view.put("devices", devices);
        view.put("auth", s.auth() == null ? "all" : s.auth().name().toLowerCase());
        view.put("resume", s.resume() ? "on" : "off");
        view.put("ramp_rate", s.scenario() == Scenario.COLD_START ? 0 : s.rampRate());
        view.put("keepalive", Durations.format(s.keepalive()));
        view.put("ping_timeout", Durations.format(s.pingTimeout()));
        view.put("handshake_timeout", Durations.format(s.handshakeTimeout()));
        view.put("backoff_base", Durations.format(s.backoffBase()));
        view.put("backoff_cap", Durations.format(s.backoffCap()));
        if (s.scenario() == Scenario.HERD) {
            view.put("outage", s.outage().cliName());
            view.put("outage_duration", Durations.format(s.outageDuration()));
            view.put("settle", Durations.format(s.settle()));
        }
        if (s.scenario() == Scenario.STEADY) {
            view.put("duration", Durations.format(s.duration()));
            view.put("publish_interval", Durations.format(s.publishInterval()));
            view.put("call_rate", s.callRate());
        }
        view.put("source_addresses", s.sourceAddresses() > 0 ? s.sourceAddresses() : Math.min(250, devices));
        view.put("executor_threads", s.executorThreads() > 0 ? s.executorThreads()
                : Runtime.getRuntime().availableProcessors());
        view.put("simulator_cpus", Runtime.getRuntime().availableProcessors());
        return view;
    }
}
