package io.corral.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.corral.cloud.registry.CloudKeys;
import io.corral.cloud.testkit.CliRun;
import io.corral.cloud.testkit.TestCloud;
import io.corral.device.DeviceCredentials;
import io.corral.protocol.DeviceIds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a person sees when a flag is out of range, or when the fleet and the cloud do not go together. */
class BadInputTest {
    private static CliRun corralSim(String... args) {
        return CliRun.execute(SimulatorCli.commandLine(), args);
    }

    @TempDir
    static Path dir;
    private static TestCloud cloud;
    private static Path fleet;

    @BeforeAll
    static void provision() {
        cloud = TestCloud.builder().dataDir(dir.resolve("data")).http().start();
        fleet = dir.resolve("fleet");
        CliRun provisioned = corralSim("provision", "--devices", "3", "--cloud", cloud.httpUri().toString(),
                "--token", cloud.token("sim"), "--out", fleet.toString());
        assertThat(provisioned.exit()).as(provisioned.err()).isZero();
    }

    @AfterAll
    static void stop() {
        cloud.close();
    }

    private static CliRun herd(String... more) {
        String[] args = new String[4 + more.length];
        args[0] = "run";
        args[1] = "--scenario=herd";
        args[2] = "--fleet";
        args[3] = fleet.toString();
        System.arraycopy(more, 0, args, 4, more.length);
        return corralSim(args);
    }

    @Test
    void a_flag_out_of_range_names_the_flag_and_its_range() {
        assertThat(herd("--ramp-rate", "-5").err()).contains("--ramp-rate must be in [0, 100000], was -5");
        assertThat(herd("--keepalive", "0s").err()).contains("--keepalive must be in [1s, 1h], was 0s");
        assertThat(herd("--backoff-base", "2s", "--backoff-cap", "1s").err())
                .contains("--backoff-cap must be in [2s, 24h], was 1s");
        assertThat(herd("--source-addresses", "5000").err()).contains("--source-addresses must be in [0, 1000], was 5000");
        CliRun tooMany = herd("--devices", "4");
        assertThat(tooMany.exit()).isEqualTo(SimulatorCli.EXIT_USAGE);
        assertThat(tooMany.err()).contains("--devices must be in [1, 3] (the fleet's devices), was 4");
    }

    @Test
    void a_malformed_value_names_the_flag_and_what_it_takes() {
        assertThat(herd("--outage-duration", "soon").err()).contains("'--outage-duration'")
                .contains("use a number with ms, s, m or h");
        assertThat(herd("--outage", "flood").err()).contains("'flood' is not an outage kind: use network or restart");
        assertThat(herd("--resume", "maybe").err()).contains("'maybe' must be on or off");
        assertThat(corralSim("run", "--fleet", fleet.toString(), "--scenario", "stampede").err())
                .contains("'stampede' is not a scenario: use ramp, steady, herd or cold-start");
        assertThat(corralSim("provision", "--devices", "0", "--cloud", cloud.httpUri().toString(), "--token", "t",
                "--out", dir.resolve("x").toString()).err()).contains("--devices must be in [1, 1000000], was 0");
    }

    @Test
    void a_directory_that_is_not_a_fleet_says_how_to_make_one() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        CliRun outcome = corralSim("run", "--fleet", empty.toString(), "--scenario", "herd");
        assertThat(outcome.exit()).isEqualTo(SimulatorCli.EXIT_USAGE);
        assertThat(outcome.err()).contains(empty + " is not a fleet directory: it has no fleet.json; make one with: "
                + "corral-sim provision");
    }

    @Test
    void a_fleet_provisioned_for_another_cloud_fails_before_the_run_with_a_clear_message() throws Exception {
        KeyPair otherCloud = CloudKeys.generateP256();
        Path foreign = fleetOf(otherCloud.getPublic().getEncoded(), dir.resolve("foreign"));
        CliRun outcome = corralSim("run", "--fleet", foreign.toString(), "--scenario", "ramp",
                "--quiet");
        assertThat(outcome.exit()).isEqualTo(SimulatorCli.EXIT_STATE);
        assertThat(outcome.err()).contains("the fleet in " + foreign + " was provisioned for another cloud: the cloud "
                + "at 127.0.0.1:" + cloud.cloud().coapAddress().getPort() + " does not have the public key its "
                + "devices pin");
    }

    @Test
    void a_fleet_the_cloud_never_registered_fails_before_the_run_with_a_clear_message() throws Exception {
        Path unknown = fleetOf(cloud.cloud().publicKeySpki(), dir.resolve("unknown"));
        CliRun outcome = corralSim("run", "--fleet", unknown.toString(), "--scenario", "ramp",
                "--quiet");
        assertThat(outcome.exit()).isEqualTo(SimulatorCli.EXIT_STATE);
        assertThat(outcome.err()).contains("the fleet in " + unknown + " does not belong to the cloud at 127.0.0.1:"
                + cloud.cloud().coapAddress().getPort() + ": it refused device");
    }

    /** A one-device fleet pointing at the test cloud, pinning {@code cloudKey}, registered nowhere. */
    private static Path fleetOf(byte[] cloudKey, Path out) throws Exception {
        KeyPair keys = CloudKeys.generateP256();
        DeviceCredentials device = DeviceCredentials.rpk(DeviceIds.random(), keys.getPrivate().getEncoded(),
                keys.getPublic().getEncoded(), "127.0.0.1", cloud.cloud().coapAddress().getPort(), cloudKey);
        ObjectMapper json = new ObjectMapper();
        Files.createDirectories(out);
        Files.writeString(out.resolve("devices.jsonl"), json.readTree(device.toJson()).toString() + "\n");
        ObjectNode manifest = json.createObjectNode().put("format", 1).put("cloud_url", cloud.httpUri().toString())
                .put("cloud_host", "127.0.0.1").put("cloud_port", cloud.cloud().coapAddress().getPort())
                .put("cloud_public_key", Base64.getEncoder().encodeToString(cloudKey)).put("owner", "nobody")
                .put("devices", 1).put("created_at", "2026-01-01T00:00:00Z");
        Files.writeString(out.resolve("fleet.json"), manifest.toString());
        return out;
    }
}
