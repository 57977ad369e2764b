package io.corral.simulator.run;

import io.corral.device.DeviceCredentials;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything a run needs to know, checked; immutable. Every setting is defined in {@link SimKeys}, where it is a
 * {@code corral-sim run} flag, a settings-file key and a {@code CORRAL_SIM_} variable, and
 * {@link Builder#build()} names the flag of a bad value and its range.
 *
 * @param scenario         what the run does
 * @param devices          how many devices of the fleet take part; 0 for all
 * @param auth             only devices of this kind, or null for all
 * @param resume           whether devices resume their DTLS sessions (off: as devices that lost their state)
 * @param rampRate         devices started per second while connecting; 0 starts them all at once
 * @param keepalive        keepalive ping interval of every device
 * @param pingTimeout      how long a ping may go unanswered before the device counts the link as lost
 * @param handshakeTimeout how long one handshake may take before the device gives up and backs off
 * @param backoffBase      reconnect backoff: base of the full-jitter exponential
 * @param backoffCap       reconnect backoff: its ceiling
 * @param outage           herd: network or restart
 * @param outageDuration   herd: how long the outage lasts
 * @param settle           herd: how long to wait with every device connected before the outage
 * @param connectTimeout   how long connecting the fleet may take before the run fails
 * @param recoveryTimeout  herd: how long after the heal the run waits for every device
 * @param drain            how long to wait for the cloud's handshakes in flight to end, so abandoned ones count
 * @param duration         steady: how long the load lasts
 * @param publishInterval  steady: how often each device publishes
 * @param callRate         steady: function calls per second from the API (needs {@code token})
 * @param token            an access token of the fleet's owner, for API calls; may be null
 * @param sourceAddresses  how many loopback source addresses (127.0.x.y) the devices spread over; 0: up to 250
 * @param executorThreads  platform threads of the shared executor; 0: one per core
 * @param cloudUrl         the cloud's HTTP API, for {@code /metrics} and calls; null: the fleet's
 */
public record RunSettings(Scenario scenario, int devices, DeviceCredentials.Auth auth, boolean resume,
                          double rampRate, Duration keepalive, Duration pingTimeout, Duration handshakeTimeout,
                          Duration backoffBase, Duration backoffCap, OutageKind outage, Duration outageDuration,
                          Duration settle, Duration connectTimeout, Duration recoveryTimeout, Duration drain,
                          Duration duration, Duration publishInterval, double callRate, String token,
                          int sourceAddresses, int executorThreads, URI cloudUrl) {

    public static Builder builder(Scenario scenario) {
        return new Builder(scenario);
    }

    /**
     * Settings of a run, with the defaults and ranges of {@link SimKeys} (backoff 1 s to 60 s is the SDK's); the
     * backoff cap is at least the backoff base.
     */
    public static final class Builder {
        private final Scenario scenario;
        private int devices;
        private DeviceCredentials.Auth auth;
        private boolean resume = SimKeys.RESUME.defaultValue();
        private double rampRate = SimKeys.RAMP_RATE.defaultValue();
        private Duration keepalive = SimKeys.KEEPALIVE.defaultValue();
        private Duration pingTimeout = SimKeys.PING_TIMEOUT.defaultValue();
        private Duration handshakeTimeout = SimKeys.HANDSHAKE_TIMEOUT.defaultValue();
        private Duration backoffBase = SimKeys.BACKOFF_BASE.defaultValue();
        private Duration backoffCap = SimKeys.BACKOFF_CAP.defaultValue();
        private OutageKind outage = SimKeys.OUTAGE.defaultValue();
        private Duration outageDuration = SimKeys.OUTAGE_DURATION.defaultValue();
        private Duration settle = SimKeys.SETTLE.defaultValue();
        private Duration connectTimeout = SimKeys.CONNECT_TIMEOUT.defaultValue();
        private Duration recoveryTimeout = SimKeys.RECOVERY_TIMEOUT.defaultValue();
        private Duration drain = SimKeys.DRAIN.defaultValue();
        private Duration duration = SimKeys.DURATION.defaultValue();
        private Duration publishInterval = SimKeys.PUBLISH_INTERVAL.defaultValue();
        private double callRate = SimKeys.CALL_RATE.defaultValue();
        private String token;
        private int sourceAddresses;
        private int executorThreads;
        private URI cloudUrl;

        private Builder(Scenario scenario) {
            this.scenario = Objects.requireNonNull(scenario, "scenario");
        }

        public Builder devices(int devices) {
            this.devices = devices;
            return this;
        }

        public Builder auth(DeviceCredentials.Auth auth) {
            this.auth = auth;
            return this;
        }

        public Builder resume(boolean resume) {
            this.resume = resume;
            return this;
        }

        public Builder rampRate(double rampRate) {
            this.rampRate = rampRate;
            return this;
        }

        public Builder keepalive(Duration keepalive) {
            this.keepalive = keepalive;
            return this;
        }

        public Builder pingTimeout(Duration pingTimeout) {
            this.pingTimeout = pingTimeout;
            return this;
        }

        public Builder handshakeTimeout(Duration handshakeTimeout) {
            this.handshakeTimeout = handshakeTimeout;
            return this;
        }

        public Builder backoff(Duration base, Duration cap) {
            this.backoffBase = base;
            this.backoffCap = cap;
            return this;
        }

        public Builder outage(OutageKind outage, Duration outageDuration) {
            this.outage = outage;
            this.outageDuration = outageDuration;
            return this;
        }

        public Builder settle(Duration settle) {
            this.settle = settle;
            return this;
        }

        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        public Builder recoveryTimeout(Duration recoveryTimeout) {
            this.recoveryTimeout = recoveryTimeout;
            return this;
        }

        public Builder drain(Duration drain) {
            this.drain = drain;
            return this;
        }

        public Builder steady(Duration duration, Duration publishInterval, double callRate) {
            this.duration = duration;
            this.publishInterval = publishInterval;
            this.callRate = callRate;
            return this;
        }

        public Builder token(String token) {
            this.token = token;
            return this;
        }

        public Builder sourceAddresses(int sourceAddresses) {
            this.sourceAddresses = sourceAddresses;
            return this;
        }

        public Builder executorThreads(int executorThreads) {
            this.executorThreads = executorThreads;
            return this;
        }

        public Builder cloudUrl(URI cloudUrl) {
            this.cloudUrl = cloudUrl;
            return this;
        }

        /**
         * Checks every value against its definition in {@link SimKeys}.
         *
         * @throws io.corral.cloud.config.SettingException naming the flag of the first bad value and its range
         */
        public RunSettings build() {
            SimKeys.DEVICES.check(devices);
            SimKeys.RAMP_RATE.check(rampRate);
            SimKeys.KEEPALIVE.check(keepalive);
            SimKeys.PING_TIMEOUT.check(pingTimeout);
            SimKeys.HANDSHAKE_TIMEOUT.check(handshakeTimeout);
            SimKeys.BACKOFF_BASE.check(backoffBase);
            SimKeys.BACKOFF_CAP.check(backoffCap, backoffBase, SimKeys.BACKOFF_CAP.max());
            Objects.requireNonNull(outage, "--outage must be network or restart");
            SimKeys.OUTAGE_DURATION.check(outageDuration);
            SimKeys.SETTLE.check(settle);
            SimKeys.CONNECT_TIMEOUT.check(connectTimeout);
            SimKeys.RECOVERY_TIMEOUT.check(recoveryTimeout);
            SimKeys.DRAIN.check(drain);
            SimKeys.DURATION.check(duration);
            SimKeys.PUBLISH_INTERVAL.check(publishInterval);
            SimKeys.CALL_RATE.check(callRate);
            SimKeys.SOURCE_ADDRESSES.check(sourceAddresses);
            SimKeys.EXECUTOR_THREADS.check(executorThreads);
            return new RunSettings(scenario, devices, auth, resume, rampRate, keepalive, pingTimeout,
                    handshakeTimeout, backoffBase, backoffCap, outage, outageDuration, settle, connectTimeout,
                    recoveryTimeout, drain, duration, publishInterval, callRate, token, sourceAddresses,
                    executorThreads, cloudUrl);
        }
    }
}
