package io.corral.simulator.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything a run measured, as {@code --json} writes it (snake_case). Times in seconds are since the scenario
 * started, unless the name says otherwise; {@code null} means "not reached" or "not measured". The fields are
 * documented in docs/simulator.md.
 *
 * @param format         {@value #FORMAT}
 * @param scenario       ramp, steady, herd or cold-start
 * @param startedAt      ISO-8601
 * @param devices        devices in the run
 * @param auth           rpk, psk or mixed
 * @param settings       every setting of the run, by flag name
 * @param events         when the phases happened
 * @param recovery       what the devices saw, from the reference moment (the heal in a herd, else the start)
 * @param handshakes     the devices' handshakes that ended in the measured window
 * @param cloud          what the cloud's {@code /metrics} said over the measured window
 * @param memory         heap of the simulator
 * @param steady         steady: publishes and calls; else null
 * @param series         per-second series over the whole run
 * @param connectLatencyCdf points (milliseconds, fraction of measured devices connected by then)
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record RunResult(int format, String scenario, String startedAt, int devices, String auth,
                        Map<String, Object> settings, Events events, Recovery recovery, Handshakes handshakes,
                        Cloud cloud, Memory memory, Steady steady, Series series,
                        List<double[]> connectLatencyCdf) {
    public static final int FORMAT = 1;
    /** Writes snake_case; reads results of other versions too, ignoring fields it does not know. */
    public static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * @param connectPhaseS how long connecting the whole fleet took
     * @param outageStartS  herd: when the outage began
     * @param healS         herd: when it ended
     * @param recoveredS    when every device was connected again (null if never)
     * @param endS          when measuring stopped
     * @param reference     what {@link Recovery} times count from: "heal" or "start"
     */
    public record Events(Double connectPhaseS, Double outageStartS, Double healS, Double recoveredS, double endS,
                         String reference) {
    }

    /**
     * @param devicesReconnected  devices that lost their connection and got it back
     * @param devicesUnaffected   devices that never lost it (herd: did not notice the outage)
     * @param devicesNotConnected devices without a connection when measuring stopped
     * @param timeTo50PercentS    from the reference moment until half the devices were connected
     * @param timeTo90PercentS    ... 90 %
     * @param timeTo99PercentS    ... 99 %
     * @param timeTo100PercentS   ... all of them; null if not reached
     * @param connectLatencyMs    per device, from when it could connect (its start, or the heal, or its loss if
     *                            later) until connected
     */
    public record Recovery(int devicesReconnected, int devicesUnaffected, int devicesNotConnected,
                           @JsonProperty("time_to_50_percent_s") Double timeTo50PercentS,
                           @JsonProperty("time_to_90_percent_s") Double timeTo90PercentS,
                           @JsonProperty("time_to_99_percent_s") Double timeTo99PercentS,
                           @JsonProperty("time_to_100_percent_s") Double timeTo100PercentS,
                           Percentiles connectLatencyMs) {
    }

    /**
     * @param attempted       handshakes that ended: completed, timed out or refused
     * @param completedFull   full handshakes completed
     * @param completedResumed abbreviated handshakes (session resumption) completed
     * @param timedOut        handshakes begun in the window that the device gave up on
     * @param timedOutBegunEarlier handshakes that timed out in the window but began before it: in a herd, the
     *                        attempts begun in the outage
     * @param refused         handshakes the cloud refused (credentials)
     * @param failedOther     connection attempts that failed otherwise: no cloud at the address (a restart), a
     *                        hello rejected or unanswered; each is followed by a backoff
     * @param latencyMs       duration of completed handshakes that began in the measured window (one begun in
     *                        an outage is left out: it measures the outage)
     */
    public record Handshakes(long attempted, long completedFull, long completedResumed, long timedOut,
                             long timedOutBegunEarlier, long refused,
                             long failedOther, Percentiles latencyMs) {
    }

    /**
     * @param metricsUrl       where they were scraped; null fields below if it never answered
     * @param admissionMode    off, static or adaptive
     * @param admitted         handshakes admitted (full and resumed)
     * @param deferred         CLIENT_HELLOs dropped by admission
     * @param completed        handshakes completed (full and resumed)
     * @param resumptions      of those, resumed sessions
     * @param abandoned        admitted handshakes never finished
     * @param abandonedPercent abandoned as a share of admitted: wasted work
     * @param failed           admitted handshakes that failed
     * @param peakInFlight     most handshakes in flight in any sample
     * @param cpuSeconds       CPU time the cloud process used
     * @param cpuPercent       of one core, on average over the window
     */
    public record Cloud(String metricsUrl, String admissionMode, Long admitted, Long deferred, Long completed,
                        Long resumptions, Long abandoned, Double abandonedPercent, Long failed, Long peakInFlight,
                        Double cpuSeconds, Double cpuPercent) {
    }

    /**
     * @param heapBeforeDevicesBytes heap in use before the devices existed (after a GC)
     * @param heapAfterConnectBytes  heap in use with every device connected (after a GC)
     * @param heapPerDeviceBytes     the difference divided by the devices
     */
    public record Memory(long heapBeforeDevicesBytes, long heapAfterConnectBytes, long heapPerDeviceBytes) {
    }

    /** Steady load: publishes acknowledged by the cloud, and function calls made through the API. */
    public record Steady(long published, long publishFailures, Percentiles publishLatencyMs, long calls,
                         long callFailures, Percentiles callLatencyMs) {
    }

    public record Percentiles(double p50, double p99, double max) {
    }

    /**
     * One value per second of the run, all the same length as {@code tS}. Counts are per second; {@code connected},
     * {@code cloudInFlight}, {@code cloudRate} and {@code cloudQueueLength} (hellos waiting in the cloud's admission
     * queue) are the value at that second. {@code cloudQueueLength} is null in a file written before it existed.
     */
    public record Series(List<Double> tS, List<Integer> connected, List<Long> attempted, List<Long> completed,
                         List<Long> timedOut, List<Long> cloudAdmitted, List<Long> cloudDeferred,
                         List<Long> cloudCompleted, List<Long> cloudAbandoned, List<Long> cloudInFlight,
                         List<Double> cloudCpuPercent, List<Double> cloudRate, List<Long> cloudQueueLength) {
    }

    public void write(Path file) throws IOException {
        JSON.writeValue(file.toFile(), this);
    }

    public static RunResult read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), RunResult.class);
    }
}
