package io.corral.cloud.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.cloud.testkit.CliRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code corral-cloud run --admission ...}: a value out of range names the flag and its range, before anything starts. */
class AdmissionOptionsTest {
    @TempDir
    Path tmp;

    private String runErr(String... admission) {
        String[] args = new String[3 + admission.length];
        args[0] = "run";
        args[1] = "--data";
        args[2] = tmp.resolve("data").toString();
        System.arraycopy(admission, 0, args, 3, admission.length);
        CliRun run = CliRun.corralCloud(args);
        assertThat(run.exit()).as(run.err()).isEqualTo(CloudCli.EXIT_USAGE);
        assertThat(tmp.resolve("data")).as("nothing initialised for a bad flag").doesNotExist();
        return run.err();
    }

    @Test
    void admission_flags_out_of_range_name_the_flag_and_the_range() {
        assertThat(runErr("--admission", "static", "--admission-rate", "0"))
                .contains("--admission-rate must be in [1, 100000], was 0");
        assertThat(runErr("--admission-in-flight", "8", "--admission-per-source", "9"))
                .contains("--admission-per-source must be in [1, 8], was 9");
        assertThat(runErr("--handshake-deadline", "0")).contains("--handshake-deadline must be in [1 s, 10 min]");
        assertThat(runErr("--queue-delay-target", "5ms")).contains("--queue-delay-target must be in [10 ms, 10 s], was 5 ms");
        assertThat(runErr("--admission-queue-wait", "31s"))
                .contains("--admission-queue-wait must be in [0 ms, 30 s], was 31 s");
        assertThat(runErr("--admission", "maybe")).contains("'maybe' is not an admission mode: use off, static or adaptive");
    }
}
