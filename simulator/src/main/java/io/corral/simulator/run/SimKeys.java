package io.corral.simulator.run;

import io.corral.cloud.config.Catalogue;
import io.corral.cloud.config.Setting;
import io.corral.cloud.config.SettingType;
import io.corral.device.DeviceCredentials;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The definitions of a run's settings ({@link RunSettings}): key, default, range and doc of each. The key of each
 * is its {@code corral-sim run} flag without the dashes, and its environment variable is {@code CORRAL_SIM_} and
 * the key in upper case ({@code CORRAL_SIM_RAMP_RATE}). {@link RunSettings.Builder} checks values against them and
 * names the flag, as the simulator always has.
 */
public final class SimKeys {
    /**
     * Durations as the simulator has always written them in messages and reports: {@code 30s}, as typed.
     */
    private static final SettingType<Duration> TIME = SettingType.DURATION.describedAs(Durations::format);

    /** {@code rpk} or {@code psk}. */
    static final SettingType<DeviceCredentials.Auth> AUTH_KIND = SettingType.of("auth kind", text ->
            switch (text.strip().toLowerCase(Locale.ROOT)) {
                case "rpk" -> DeviceCredentials.Auth.RPK;
                case "psk" -> DeviceCredentials.Auth.PSK;
                default -> throw new IllegalArgumentException("'" + text + "' is not an auth kind: use rpk or psk");
            }, auth -> auth.name().toLowerCase(Locale.ROOT));

    /** A switch spelt {@code on} or {@code off}. */
    static final SettingType<Boolean> ON_OFF = SettingType.of("switch", text ->
            switch (text.strip().toLowerCase(Locale.ROOT)) {
                case "on" -> true;
                case "off" -> false;
                default -> throw new IllegalArgumentException("'" + text + "' must be on or off");
            }, on -> on ? "on" : "off");

    static final SettingType<OutageKind> OUTAGE_KIND = SettingType.of("outage kind", OutageKind::fromCli,
            OutageKind::cliName);

    public static final Setting<Integer> DEVICES = flag(Setting.of("devices", SettingType.INTEGER, 0,
            "How many of the fleet's devices take part; 0 for all.").range(0, 1_000_000), "N");

    public static final Setting<DeviceCredentials.Auth> AUTH = flag(Setting.of("auth", AUTH_KIND, null,
            "Only the fleet's rpk or psk devices.").defaultText("all"), "KIND");

    public static final Setting<Boolean> RESUME = flag(Setting.of("resume", ON_OFF, true,
            "Whether devices resume their DTLS sessions; off models devices that lost their state."), "on|off");

    public static final Setting<Double> RAMP_RATE = flag(Setting.of("ramp-rate", SettingType.DECIMAL, 500.0,
            "Devices started per second while connecting; 0 starts all at once.").range(0.0, 100_000.0)
            .unit("per second"), "PER_SECOND");

    public static final Setting<OutageKind> OUTAGE = flag(Setting.of("outage", OUTAGE_KIND, OutageKind.NETWORK,
            "herd: network (every datagram dropped both ways, devices notice by keepalive) or restart (the cloud of "
                    + "--cloud-command is stopped with SIGTERM and started again)."), "KIND");

    public static final Setting<Duration> OUTAGE_DURATION = duration("outage-duration", Duration.ofSeconds(30),
            "herd: how long the outage lasts.", Duration.ofSeconds(1), Duration.ofHours(1));

    public static final Setting<Duration> KEEPALIVE = duration("keepalive", Duration.ofSeconds(10),
            "Device keepalive ping interval.", Duration.ofSeconds(1), Duration.ofHours(1));

    public static final Setting<Duration> PING_TIMEOUT = duration("ping-timeout", Duration.ofSeconds(5),
            "How long a ping may go unanswered before the device counts the link as lost.", Duration.ofMillis(100),
            Duration.ofMinutes(1));

    public static final Setting<Duration> HANDSHAKE_TIMEOUT = duration("handshake-timeout", Duration.ofSeconds(30),
            "How long one DTLS handshake may take before the device gives up and backs off.", Duration.ofSeconds(1),
            Duration.ofMinutes(10));

    public static final Setting<Duration> BACKOFF_BASE = duration("backoff-base", Duration.ofSeconds(1),
            "Reconnect backoff base (full jitter).", Duration.ofMillis(10), Duration.ofHours(1));

    public static final Setting<Duration> BACKOFF_CAP = duration("backoff-cap", Duration.ofSeconds(60),
            "Reconnect backoff ceiling; at least --backoff-base.", Duration.ofMillis(10), Duration.ofDays(1));

    public static final Setting<Duration> SETTLE = duration("settle", Duration.ofSeconds(5),
            "herd: how long every device stays connected before the outage.", Duration.ZERO, Duration.ofHours(1));

    public static final Setting<Duration> CONNECT_TIMEOUT = duration("connect-timeout", Duration.ofMinutes(10),
            "How long connecting the fleet may take before the run fails.", Duration.ofSeconds(1),
            Duration.ofHours(24));

    public static final Setting<Duration> RECOVERY_TIMEOUT = duration("recovery-timeout", Duration.ofMinutes(10),
            "herd: how long after the heal to wait for every device.", Duration.ofSeconds(1), Duration.ofHours(24));

    public static final Setting<Duration> DRAIN = duration("drain", Duration.ofSeconds(35),
            "How long to wait for the cloud's handshakes in flight to end, so abandoned ones are counted.",
            Duration.ZERO, Duration.ofMinutes(10));

    public static final Setting<Duration> DURATION = duration("duration", Duration.ofSeconds(60),
            "steady: how long the load lasts.", Duration.ofSeconds(1), Duration.ofHours(24));

    public static final Setting<Duration> PUBLISH_INTERVAL = duration("publish-interval", Duration.ofSeconds(10),
            "steady: each device publishes this often.", Duration.ofMillis(100), Duration.ofHours(1));

    public static final Setting<Double> CALL_RATE = flag(Setting.of("call-rate", SettingType.DECIMAL, 10.0,
            "steady: function calls per second through the API; needs --token.").range(0.0, 10_000.0)
            .unit("per second"), "PER_SECOND");

    public static final Setting<String> TOKEN = flag(Setting.of("token", SettingType.TEXT, null,
            "steady: an access token of the fleet's owner, for the API calls.").secret(), "TOKEN");

    public static final Setting<Integer> SOURCE_ADDRESSES = flag(Setting.of("source-addresses", SettingType.INTEGER,
            0, "Loopback source addresses (127.0.x.y) the devices spread over; 0 for up to 250.")
            .range(0, 1000), "N");

    public static final Setting<Integer> EXECUTOR_THREADS = flag(Setting.of("executor-threads", SettingType.INTEGER,
            0, "Platform threads of the shared device executor; 0 for one per core.").range(0, 256), "N");

    public static final Setting<URI> CLOUD_URL = flag(Setting.of("cloud-url", SettingType.HTTP_URL, null,
            "The cloud's HTTP API, for /metrics and calls.").defaultText("the fleet's"), "URL");

    /** Every setting of a run, in documentation order. */
    public static final List<Setting<?>> ALL = List.of(DEVICES, AUTH, RESUME, RAMP_RATE, OUTAGE, OUTAGE_DURATION,
            KEEPALIVE, PING_TIMEOUT, HANDSHAKE_TIMEOUT, BACKOFF_BASE, BACKOFF_CAP, SETTLE, CONNECT_TIMEOUT,
            RECOVERY_TIMEOUT, DRAIN, DURATION, PUBLISH_INTERVAL, CALL_RATE, TOKEN, SOURCE_ADDRESSES, EXECUTOR_THREADS,
            CLOUD_URL);

    /** The catalogue of {@code corral-sim run}: environment variables {@code CORRAL_SIM_*}. */
    public static final Catalogue CATALOGUE = Catalogue.builder("CORRAL_SIM_").add(ALL).build();

    private SimKeys() {
    }

    /** The flag is the key with two dashes, and the builder's messages name the flag. */
    private static <T> Setting<T> flag(Setting<T> setting, String paramLabel) {
        String flag = "--" + setting.key();
        return setting.name(flag).flag(paramLabel, flag);
    }

    private static Setting<Duration> duration(String key, Duration defaultValue, String doc, Duration min,
                                              Duration max) {
        return flag(Setting.of(key, TIME, defaultValue, doc).range(min, max), "DURATION");
    }
}
