package io.corral.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.cloud.config.SettingValues;
import io.corral.cloud.testkit.CliRun;
import io.corral.simulator.run.SimKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code corral-sim run --config FILE} and {@code CORRAL_SIM_*} variables: the same settings as the flags, with
 * the same checks, and a message that names the key or variable. Settings are checked before the fleet is read.
 */
class SimSettingsTest {
    @TempDir
    Path tmp;

    private CliRun run(Map<String, String> env, String... more) {
        String[] args = new String[5 + more.length];
        args[0] = "run";
        args[1] = "--scenario";
        args[2] = "herd";
        args[3] = "--fleet";
        args[4] = tmp.resolve("no-fleet").toString();
        System.arraycopy(more, 0, args, 5, more.length);
        return CliRun.execute(SimulatorCli.commandLine(env), args);
    }

    @Test
    void a_file_or_variable_value_is_checked_like_its_flag_and_named_by_its_key_or_variable() throws Exception {
        Path config = Files.writeString(tmp.resolve("sim.properties"), "keepalive=0s\n");
        CliRun fromFile = run(Map.of(), "--config", config.toString());
        assertThat(fromFile.exit()).isEqualTo(SimulatorCli.EXIT_USAGE);
        assertThat(fromFile.err()).contains("keepalive in " + config + " must be in [1s, 1h], was 0s");

        CliRun fromEnv = run(Map.of("CORRAL_SIM_BACKOFF_BASE", "2s", "CORRAL_SIM_BACKOFF_CAP", "1s"));
        assertThat(fromEnv.err()).contains("CORRAL_SIM_BACKOFF_CAP must be in [2s, 24h], was 1s");

        CliRun bare = run(Map.of("CORRAL_SIM_SETTLE", "5"));
        assertThat(bare.exit()).isEqualTo(SimulatorCli.EXIT_USAGE);
        assertThat(bare.err()).contains("Invalid value for CORRAL_SIM_SETTLE: '5' is not a duration: a number needs "
                + "a unit; use a number with ms, s, m or h");

        Path typo = Files.writeString(tmp.resolve("typo.properties"), "ramp_rate=5\n");
        assertThat(run(Map.of(), "--config", typo.toString()).err())
                .contains("unknown key 'ramp_rate' in " + typo + "; the nearest known key is 'ramp-rate'");
    }

    @Test
    void good_settings_pass_and_the_run_goes_on_to_the_fleet() throws Exception {
        Path config = Files.writeString(tmp.resolve("sim.properties"), "ramp-rate=50\nkeepalive=20s\nresume=off\n");
        CliRun outcome = run(Map.of("CORRAL_SIM_OUTAGE_DURATION", "10s", "CORRAL_JAVA_OPTS", "-Xmx1g",
                "CORRAL_ADMISSION_MODE", "static"), "--config", config.toString(), "--keepalive", "15s");
        assertThat(outcome.err()).contains("is not a fleet directory");

        SettingValues values = SettingValues.resolve(SimKeys.CATALOGUE,
                Map.of(SimKeys.KEEPALIVE, new SettingValues.Flag("--keepalive", "15s")),
                Map.of("CORRAL_SIM_OUTAGE_DURATION", "10s"), config);
        assertThat(values.get(SimKeys.KEEPALIVE)).isEqualTo(Duration.ofSeconds(15));
        assertThat(values.get(SimKeys.OUTAGE_DURATION)).isEqualTo(Duration.ofSeconds(10));
        assertThat(values.get(SimKeys.RAMP_RATE)).isEqualTo(50.0);
        assertThat(values.get(SimKeys.RESUME)).isFalse();
        assertThat(values.get(SimKeys.HANDSHAKE_TIMEOUT)).isEqualTo(Duration.ofSeconds(30));
    }
}
