package io.corral.simulator;

import io.corral.simulator.report.HtmlReport;
import io.corral.simulator.report.SummaryTable;
import io.corral.simulator.run.RunResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code corral-sim compare a.json b.json --report cmp.html}: runs side by side. */
@Command(name = "compare", description = "Puts runs (their --json results) side by side: a table, and a report "
        + "whose charts overlay them.")
final class CompareCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "RUN.json", arity = "2..*", description = "Two or more results of corral-sim run --json.")
    private List<Path> runs;

    @Option(names = "--report", paramLabel = "FILE.html", description = "Write an HTML comparison with charts.")
    private Path report;

    @Override
    public Integer call() throws IOException {
        List<RunResult> results = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Path file : runs) {
            try {
                results.add(RunResult.read(file));
            } catch (IOException e) {
                throw new CommandFailure(SimulatorCli.EXIT_IO, file + " is not a result of corral-sim run --json: "
                        + e.getMessage(), e);
            }
            names.add(RunCommand.runName(results.get(results.size() - 1)));
        }
        for (int i = 0; i < names.size(); i++) {
            if (names.indexOf(names.get(i)) != i || names.lastIndexOf(names.get(i)) != i) {
                names.set(i, names.get(i) + " " + runs.get(i).getFileName());
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(SummaryTable.text(results, names));
        if (report != null) {
            HtmlReport.write(report, results, names);
            out.println("report: " + report);
        }
        out.flush();
        return SimulatorCli.EXIT_OK;
    }
}
