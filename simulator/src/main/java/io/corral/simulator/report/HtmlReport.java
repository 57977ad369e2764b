package io.corral.simulator.report;

import io.corral.simulator.run.RunResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * An HTML page with the figures and the charts of one run, or of several side by side ({@code compare}). Charts
 * are drawn with XChart and embedded as PNG, so the page is one file that opens anywhere.
 *
 * <p>Times on the charts count from the reference moment: the heal in a herd, the start otherwise. So two herds
 * line up at their heals, and the seconds before it show the outage.
 */
public final class HtmlReport {
    private static final int WIDTH = 960;
    private static final int HEIGHT = 360;

    private HtmlReport() {
    }

    /** Writes the report of {@code runs}, named {@code names} in tables and legends. */
    public static void write(Path file, List<RunResult> runs, List<String> names) throws IOException {
        System.setProperty("java.awt.headless", "true");
        StringBuilder html = new StringBuilder();
        String title = runs.size() == 1 ? "Corral fleet run: " + SummaryTable.scenario(runs.get(0))
                : "Corral fleet runs compared: " + String.join(" vs ", names);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(escape(title))
                .append("</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:1000px}"
                        + "table{border-collapse:collapse}td,th{padding:3px 12px;text-align:left}"
                        + "th.section{padding-top:12px;border-bottom:1px solid #ccc}"
                        + "td.value{font-family:monospace}img{display:block;margin:1em 0}</style></head><body>\n")
                .append("<h1>").append(escape(title)).append("</h1>\n");
        for (int i = 0; i < runs.size(); i++) {
            RunResult run = runs.get(i);
            html.append("<p><b>").append(escape(names.get(i))).append("</b>: ")
                    .append(escape(SummaryTable.scenario(run))).append(", ").append(run.devices()).append(' ')
                    .append(run.auth()).append(" devices, started ").append(escape(run.startedAt()))
                    .append(", cloud admission ").append(escape(String.valueOf(run.cloud().admissionMode())))
                    .append(".</p>\n");
        }
        html.append(table(runs, names));
        String reference = runs.get(0).events().reference().equals("heal") ? "seconds since the heal"
                : "seconds since the start";
        html.append(image(chart("Connected devices", reference, "devices", runs, names,
                List.of(new Line("connected", s -> ints(s.connected()))))));
        List<Line> handshakes = runs.size() == 1
                ? List.of(new Line("attempted (devices)", s -> longs(s.attempted())),
                new Line("admitted (cloud)", s -> longs(s.cloudAdmitted())),
                new Line("completed (cloud)", s -> longs(s.cloudCompleted())),
                new Line("abandoned (cloud)", s -> longs(s.cloudAbandoned())))
                : List.of(new Line("completed", s -> longs(s.cloudCompleted())),
                new Line("abandoned", s -> longs(s.cloudAbandoned())));
        html.append(image(chart("Handshakes per second", reference, "per second", runs, names, handshakes)));
        html.append(image(chart("Deferred CLIENT_HELLOs per second", reference, "per second", runs, names,
                List.of(new Line("deferred", s -> longs(s.cloudDeferred()))))));
        html.append(image(chart("Handshakes in flight and hellos queued at the cloud", reference, "handshakes",
                runs, names, List.of(new Line("in flight", s -> longs(s.cloudInFlight())),
                        new Line("queued", s -> longs(s.cloudQueueLength()))))));
        html.append(image(chart("Cloud CPU", reference, "% of one core", runs, names,
                List.of(new Line("CPU", s -> s.cloudCpuPercent())))));
        html.append(image(latencyChart(runs, names)));
        html.append("</body></html>\n");
        Files.writeString(file, html, StandardCharsets.UTF_8);
    }

    /** One line of a chart, read from a run's series. */
    private record Line(String name, Function<RunResult.Series, List<Double>> values) {
    }

    private static XYChart chart(String title, String xTitle, String yTitle, List<RunResult> runs, List<String> names,
                                 List<Line> lines) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        style(chart);
        for (int r = 0; r < runs.size(); r++) {
            RunResult run = runs.get(r);
            double offset = run.events().reference().equals("heal") && run.events().healS() != null
                    ? run.events().healS() : 0;
            // A herd's story starts a little before its outage; its connect phase is another story.
            double from = run.events().outageStartS() == null ? Double.NEGATIVE_INFINITY
                    : run.events().outageStartS() - offset - 5;
            List<Double> allX = run.series().tS().stream().map(t -> t - offset).toList();
            int first = 0;
            while (first < allX.size() - 1 && allX.get(first) < from) {
                first++;
            }
            List<Double> x = allX.subList(first, allX.size());
            for (Line line : lines) {
                String name = runs.size() == 1 ? line.name() : names.get(r) + (lines.size() == 1 ? ""
                        : " " + line.name());
                List<Double> values = line.values().apply(run.series());
                if (values.size() != allX.size()) {
                    continue; // a series this run's file does not have
                }
                List<Double> y = values.subList(first, allX.size());
                if (!x.isEmpty()) {
                    XYSeries series = chart.addSeries(name, x, y);
                    series.setMarker(SeriesMarkers.NONE);
                }
            }
            if (runs.size() == 1 && run.events().outageStartS() != null) {
                chart.addAnnotation(new AnnotationLine(run.events().outageStartS() - offset, true, false));
                chart.addAnnotation(new AnnotationLine(run.events().healS() - offset, true, false));
            }
        }
        return chart;
    }

    private static XYChart latencyChart(List<RunResult> runs, List<String> names) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Connect latency distribution (cumulative)").xAxisTitle("milliseconds")
                .yAxisTitle("share of devices connected").build();
        style(chart);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        for (int r = 0; r < runs.size(); r++) {
            List<double[]> points = runs.get(r).connectLatencyCdf();
            if (points.isEmpty()) {
                continue;
            }
            List<Double> x = points.stream().map(p -> p[0]).toList();
            List<Double> y = points.stream().map(p -> p[1]).toList();
            chart.addSeries(runs.size() == 1 ? "connect latency" : names.get(r), x, y).setMarker(SeriesMarkers.NONE);
        }
        return chart;
    }

    private static void style(XYChart chart) {
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setPlotGridLinesVisible(true);
        chart.getStyler().setXAxisDecimalPattern("#,##0");
    }

    private static String image(XYChart chart) throws IOException {
        if (chart.getSeriesMap().isEmpty()) {
            return "<p>(" + escape(chart.getTitle()) + ": nothing measured)</p>\n";
        }
        byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        return "<img alt=\"" + escape(chart.getTitle()) + "\" src=\"data:image/png;base64,"
                + Base64.getEncoder().encodeToString(png) + "\">\n";
    }

    private static String table(List<RunResult> runs, List<String> names) {
        StringBuilder html = new StringBuilder("<table>\n");
        if (runs.size() > 1) {
            html.append("<tr><th></th>");
            names.forEach(name -> html.append("<th>").append(escape(name)).append("</th>"));
            html.append("</tr>\n");
        }
        String section = null;
        for (SummaryTable.Row row : SummaryTable.rowsFor(runs)) {
            if (!row.section().equals(section)) {
                section = row.section();
                html.append("<tr><th class=\"section\" colspan=\"").append(runs.size() + 1).append("\">")
                        .append(escape(section)).append("</th></tr>\n");
            }
            html.append("<tr><td>").append(escape(row.label())).append("</td>");
            for (RunResult run : runs) {
                html.append("<td class=\"value\">").append(escape(row.value().apply(run))).append("</td>");
            }
            html.append("</tr>\n");
        }
        return html.append("</table>\n").toString();
    }

    private static List<Double> ints(List<Integer> values) {
        List<Double> out = new ArrayList<>(values.size());
        values.forEach(v -> out.add(v.doubleValue()));
        return out;
    }

    /** A run written before a series existed has none: it draws nothing. */
    private static List<Double> longs(List<Long> values) {
        if (values == null) {
            return List.of();
        }
        List<Double> out = new ArrayList<>(values.size());
        values.forEach(v -> out.add(v.doubleValue()));
        return out;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
