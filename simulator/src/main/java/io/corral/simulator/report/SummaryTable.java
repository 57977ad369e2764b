package io.corral.simulator.report;

import io.corral.simulator.run.RunResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The figures of a run as rows of a table: the summary printed after a run, and the rows of a comparison. Each
 * row is a label and a way to read its value from a {@link RunResult}.
 */
public final class SummaryTable {

    /** A row: its section, its label, and its value in one run ("-" when not measured). */
    public record Row(String section, String label, Function<RunResult, String> value) {
    }

    public static final List<Row> ROWS = List.of(
            new Row("Run", "devices", r -> r.devices() + " " + r.auth() + ", resume " + r.settings().get("resume")),
            new Row("Run", "scenario", SummaryTable::scenario),
            new Row("Recovery", "time to 50 %", r -> seconds(r.recovery().timeTo50PercentS())),
            new Row("Recovery", "time to 90 %", r -> seconds(r.recovery().timeTo90PercentS())),
            new Row("Recovery", "time to 99 %", r -> seconds(r.recovery().timeTo99PercentS())),
            new Row("Recovery", "time to 100 %", r -> r.recovery().timeTo100PercentS() == null
                    ? "not reached (" + r.recovery().devicesNotConnected() + " not connected)"
                    : seconds(r.recovery().timeTo100PercentS())),
            new Row("Recovery", "connect latency p50 / p99 / max", r -> ms(r.recovery().connectLatencyMs())),
            new Row("Recovery", "reconnected / unaffected / not connected", r -> r.recovery().devicesReconnected()
                    + " / " + r.recovery().devicesUnaffected() + " / " + r.recovery().devicesNotConnected()),
            new Row("Device handshakes", "attempted", r -> count(r.handshakes().attempted())),
            new Row("Device handshakes", "completed full / resumed", r -> count(r.handshakes().completedFull())
                    + " / " + count(r.handshakes().completedResumed())),
            new Row("Device handshakes", "timed out (begun in the window / before)", r -> count(
                    r.handshakes().timedOut()) + " / " + count(r.handshakes().timedOutBegunEarlier())),
            new Row("Device handshakes", "other failures", r -> count(
                    r.handshakes().failedOther())),
            new Row("Device handshakes", "latency p50 / p99 / max", r -> ms(r.handshakes().latencyMs())),
            new Row("Cloud (/metrics)", "admission", r -> text(r.cloud().admissionMode())),
            new Row("Cloud (/metrics)", "admitted / deferred", r -> count(r.cloud().admitted()) + " / "
                    + count(r.cloud().deferred())),
            new Row("Cloud (/metrics)", "completed (resumptions)", r -> count(r.cloud().completed()) + " ("
                    + count(r.cloud().resumptions()) + ")"),
            new Row("Cloud (/metrics)", "abandoned (wasted work)", r -> count(r.cloud().abandoned())
                    + (r.cloud().abandonedPercent() == null ? "" : String.format(Locale.ROOT, " (%.2f %%)",
                    r.cloud().abandonedPercent()))),
            new Row("Cloud (/metrics)", "peak in flight", r -> count(r.cloud().peakInFlight())),
            new Row("Cloud (/metrics)", "CPU", r -> r.cloud().cpuSeconds() == null ? "-"
                    : String.format(Locale.ROOT, "%.1f s (%.0f %% of a core)", r.cloud().cpuSeconds(),
                    r.cloud().cpuPercent())),
            new Row("Simulator", "heap per device", r -> String.format(Locale.ROOT, "%.1f KB",
                    r.memory().heapPerDeviceBytes() / 1024.0)),
            new Row("Steady", "published / failed", r -> r.steady() == null ? "-" : count(r.steady().published())
                    + " / " + count(r.steady().publishFailures())),
            new Row("Steady", "publish latency p50 / p99 / max", r -> r.steady() == null ? "-"
                    : ms(r.steady().publishLatencyMs())),
            new Row("Steady", "API calls / failed", r -> r.steady() == null ? "-" : count(r.steady().calls())
                    + " / " + count(r.steady().callFailures())),
            new Row("Steady", "call latency p50 / p99 / max", r -> r.steady() == null ? "-"
                    : ms(r.steady().callLatencyMs())));

    private SummaryTable() {
    }

    /** The rows that say something for these runs: steady rows only when a run is steady. */
    public static List<Row> rowsFor(List<RunResult> runs) {
        boolean steady = runs.stream().anyMatch(r -> r.steady() != null);
        return ROWS.stream().filter(row -> steady || !row.section().equals("Steady")).toList();
    }

    /** The table as text, one column per run. */
    public static String text(List<RunResult> runs, List<String> headers) {
        List<Row> rows = rowsFor(runs);
        int labelWidth = rows.stream().mapToInt(row -> row.label().length()).max().orElse(10) + 2;
        List<String> lines = new ArrayList<>();
        StringBuilder header = new StringBuilder(" ".repeat(labelWidth + 2));
        List<Integer> widths = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            int index = i;
            int width = Math.max(headers.get(i).length(), rows.stream()
                    .mapToInt(row -> row.value().apply(runs.get(index)).length()).max().orElse(8)) + 3;
            widths.add(width);
            header.append(pad(headers.get(i), width));
        }
        if (runs.size() > 1) {
            lines.add(header.toString().stripTrailing());
        }
        String section = null;
        for (Row row : rows) {
            if (!row.section().equals(section)) {
                section = row.section();
                lines.add(section);
            }
            StringBuilder line = new StringBuilder("  ").append(pad(row.label(), labelWidth));
            for (int i = 0; i < runs.size(); i++) {
                line.append(pad(row.value().apply(runs.get(i)), widths.get(i)));
            }
            lines.add(line.toString().stripTrailing());
        }
        return String.join(System.lineSeparator(), lines) + System.lineSeparator();
    }

    static String scenario(RunResult r) {
        Map<String, Object> s = r.settings();
        return switch (r.scenario()) {
            case "herd" -> "herd, " + s.get("outage") + " outage of " + s.get("outage_duration");
            case "steady" -> "steady for " + s.get("duration") + ", a publish every " + s.get("publish_interval");
            case "ramp" -> "ramp at " + s.get("ramp_rate") + "/s";
            default -> r.scenario();
        };
    }

    private static String pad(String text, int width) {
        return text.length() >= width ? text + " " : text + " ".repeat(width - text.length());
    }

    static String seconds(Double value) {
        return value == null ? "-" : String.format(Locale.ROOT, "%.1f s", value);
    }

    static String ms(RunResult.Percentiles p) {
        return p == null ? "-" : String.format(Locale.ROOT, "%.0f / %.0f / %.0f ms", p.p50(), p.p99(), p.max());
    }

    static String count(Long value) {
        return value == null ? "-" : String.format(Locale.ROOT, "%,d", value);
    }

    static String count(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    static String text(String value) {
        return value == null ? "-" : value;
    }
}
