package io.corral.simulator.run;

import io.corral.device.DeviceCredentials;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything a run needs to know, checked; immutable. Every setting is a {@code corral-sim run} flag, and
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
     * Settings of a run. Defaults: all devices, every auth, resume on, ramp 500/s, keepalive 10 s, ping timeout
     * 5 s, handshake timeout 30 s, backoff 1 s to 60 s (the SDK's), a 30 s network outage, settle 5 s, connect and
     * recovery timeouts 10 min, drain 35 s, steady for 60 s with a publish every 10 s and 10 calls/s, up to 250
     * source addresses, one executor thread per core, the fleet's cloud.
     */
    public static final class Builder {
        private final Scenario scenario;
        private int devices;
        private DeviceCredentials.Auth auth;
        private boolean resume = true;
        private double rampRate = 500;
        private Duration keepalive = Duration.ofSeconds(10);
        private Duration pingTimeout = Duration.ofSeconds(5);
        private Duration handshakeTimeout = Duration.ofSeconds(30);
        private Duration backoffBase = Duration.ofSeconds(1);
        private Duration backoffCap = Duration.ofSeconds(60);
        private OutageKind outage = OutageKind.NETWORK;
        private Duration outageDuration = Duration.ofSeconds(30);
        private Duration settle = Duration.ofSeconds(5);
        private Duration connectTimeout = Duration.ofMinutes(10);
        private Duration recoveryTimeout = Duration.ofMinutes(10);
        private Duration drain = Duration.ofSeconds(35);
        private Duration duration = Duration.ofSeconds(60);
        private Duration publishInterval = Duration.ofSeconds(10);
        private double callRate = 10;
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

        /** @throws IllegalArgumentException naming the flag of the first bad value and its range */
        public RunSettings build() {
            between("--devices", devices, 0, 1_000_000);
            between("--ramp-rate", rampRate, 0, 100_000);
            between("--keepalive", keepalive, Duration.ofSeconds(1), Duration.ofHours(1));
            between("--ping-timeout", pingTimeout, Duration.ofMillis(100), Duration.ofMinutes(1));
            between("--handshake-timeout", handshakeTimeout, Duration.ofSeconds(1), Duration.ofMinutes(10));
            between("--backoff-base", backoffBase, Duration.ofMillis(10), Duration.ofHours(1));
            between("--backoff-cap", backoffCap, backoffBase, Duration.ofDays(1));
            Objects.requireNonNull(outage, "--outage must be network or restart");
            between("--outage-duration", outageDuration, Duration.ofSeconds(1), Duration.ofHours(1));
            between("--settle", settle, Duration.ZERO, Duration.ofHours(1));
            between("--connect-timeout", connectTimeout, Duration.ofSeconds(1), Duration.ofHours(24));
            between("--recovery-timeout", recoveryTimeout, Duration.ofSeconds(1), Duration.ofHours(24));
            between("--drain", drain, Duration.ZERO, Duration.ofMinutes(10));
            between("--duration", duration, Duration.ofSeconds(1), Duration.ofHours(24));
            between("--publish-interval", publishInterval, Duration.ofMillis(100), Duration.ofHours(1));
            between("--call-rate", callRate, 0, 10_000);
            between("--source-addresses", sourceAddresses, 0, 1000);
            between("--executor-threads", executorThreads, 0, 256);
            return new RunSettings(scenario, devices, auth, resume, rampRate, keepalive, pingTimeout,
                    handshakeTimeout, backoffBase, backoffCap, outage, outageDuration, settle, connectTimeout,
                    recoveryTimeout, drain, duration, publishInterval, callRate, token, sourceAddresses,
                    executorThreads, cloudUrl);
        }

        static void between(String flag, double value, double min, double max) {
            if (!(value >= min && value <= max)) {
                throw new IllegalArgumentException(flag + " must be in [" + number(min) + ", " + number(max)
                        + "], was " + number(value));
            }
        }

        static void between(String flag, Duration value, Duration min, Duration max) {
            if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(flag + " must be in [" + Durations.format(min) + ", "
                        + Durations.format(max) + "], was " + (value == null ? "nothing" : Durations.format(value)));
            }
        }

        private static String number(double value) {
            return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
        }
    }
}
