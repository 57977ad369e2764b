/**
 * What a person reads after a run: {@link io.corral.simulator.report.SummaryTable} (text, one column per run) and
 * {@link io.corral.simulator.report.HtmlReport} (one HTML file with XChart charts).
 */
package io.corral.simulator.report;
