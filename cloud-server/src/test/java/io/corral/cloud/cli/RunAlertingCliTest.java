package io.corral.cloud.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RunAlertingCliTest {
    @TempDir
    Path tmp;

    private int run(StringWriter err, String... args) {
        CommandLine cli = CloudCli.commandLine().setOut(new PrintWriter(new StringWriter()))
                .setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void run_refuses_to_start_with_a_data_loss_rule_routed_to_a_ticket() throws Exception {
        Path config = Files.writeString(tmp.resolve("alerts.properties"), "worker-down.route=ticket\n");
        StringWriter err = new StringWriter();

        int exit = run(err, "run", "--data", tmp.resolve("data").toString(), "--coap-port", "0", "--http-port", "0",
                "--alert-config", config.toString());

        assertThat(exit).isEqualTo(CloudCli.EXIT_USAGE);
        assertThat(err.toString()).contains("alert rule 'worker-down' guards against data loss but is routed to"
                + " 'ticket', which does not page", "--allow-nonpaging-data-loss-alerts");
    }

    @Test
    void run_names_the_bad_key_of_an_alert_config() throws Exception {
        Path config = Files.writeString(tmp.resolve("alerts.properties"), "devices-drop.window=soon\n");
        StringWriter err = new StringWriter();

        int exit = run(err, "run", "--data", tmp.resolve("data").toString(), "--alert-config", config.toString());

        assertThat(exit).isEqualTo(CloudCli.EXIT_USAGE);
        assertThat(err.toString()).contains("'devices-drop.window'='soon'");
    }

    @Test
    void run_help_lists_the_alerting_options() {
        StringWriter out = new StringWriter();
        CommandLine cli = CloudCli.commandLine().setOut(new PrintWriter(out));
        cli.execute("run", "--help");
        assertThat(out.toString()).contains("--page-url", "--ticket-url", "--alert-config",
                "--allow-nonpaging-data-loss-alerts", "--status-url");
    }
}
