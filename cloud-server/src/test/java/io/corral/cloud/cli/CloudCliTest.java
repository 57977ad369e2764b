package io.corral.cloud.cli;

import static io.corral.cloud.testkit.CliRun.corralCloud;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.corral.cloud.registry.CloudKeys;
import io.corral.cloud.registry.DeviceRecord;
import io.corral.cloud.registry.DeviceRecord.CredentialType;
import io.corral.cloud.registry.SqliteDeviceRegistry;
import io.corral.cloud.testkit.CliRun;
import io.corral.device.DeviceCredentials;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CloudCliTest {
    private static final Pattern DEVICE_ID = Pattern.compile("device id: ([0-9a-f]{24})");

    @TempDir
    Path tmp;

    private Path data() {
        return tmp.resolve("data");
    }

    /** The device id {@code device create} printed. */
    private static String deviceId(CliRun run) {
        Matcher m = DEVICE_ID.matcher(run.out());
        assertThat(m.find()).as("device id in %s", run.out()).isTrue();
        return m.group(1);
    }

    private String initialisedCloudKey() {
        CliRun init = corralCloud("init", "--data", data().toString());
        assertThat(init.exit()).as(init.err()).isZero();
        return init.out().lines().filter(l -> l.startsWith("cloud public key: ")).findFirst().orElseThrow()
                .substring("cloud public key: ".length());
    }

    private <T> T withRegistry(java.util.function.Function<SqliteDeviceRegistry, T> query) {
        try (SqliteDeviceRegistry registry = SqliteDeviceRegistry.open(data())) {
            return query.apply(registry);
        }
    }

    @Test
    void init_creates_the_registry_and_prints_the_stored_cloud_public_key() {
        CliRun init = corralCloud("init", "--data", data().toString());

        assertThat(init.exit()).isZero();
        assertThat(init.err()).isEmpty();
        assertThat(data().resolve("corral.db")).isRegularFile();
        byte[] stored = withRegistry(r -> r.cloudKeyPair().orElseThrow().getPublic().getEncoded());
        assertThat(init.out()).isEqualTo("initialised " + data() + "\ncloud public key: "
                + Base64.getEncoder().encodeToString(stored) + "\n");
        CloudKeys.publicKeyFromSpki(stored); // a real P-256 SPKI
    }

    @Test
    void init_twice_says_so_and_keeps_the_key() {
        String first = initialisedCloudKey();

        CliRun again = corralCloud("init", "--data", data().toString());

        assertThat(again.exit()).isZero();
        assertThat(again.out()).isEqualTo(data() + " is already initialised\ncloud public key: " + first + "\n");
    }

    @Test
    void device_create_writes_rpk_credentials_that_load_and_match_the_registry() throws Exception {
        String cloudKey = initialisedCloudKey();
        Path file = tmp.resolve("device.json");

        CliRun create = corralCloud("device", "create", "--data", data().toString(), "--owner", "alice", "--name", "kitchen",
                "--out", file.toString());

        assertThat(create.exit()).as(create.err()).isZero();
        DeviceCredentials credentials = DeviceCredentials.load(file);
        assertThat(credentials.deviceId()).isEqualTo(deviceId(create));
        assertThat(credentials.auth()).isEqualTo(DeviceCredentials.Auth.RPK);
        assertThat(credentials.cloudHost()).isEqualTo("127.0.0.1");
        assertThat(credentials.cloudPort()).isEqualTo(5684);
        assertThat(Base64.getEncoder().encodeToString(credentials.cloudPublicKeySpki())).isEqualTo(cloudKey);
        CloudKeys.privateKeyFromPkcs8(credentials.privateKeyPkcs8());
        DeviceRecord registered = withRegistry(r -> r.findByPublicKey(credentials.publicKeySpki()).orElseThrow());
        assertThat(registered.id()).isEqualTo(credentials.deviceId());
        assertThat(registered.owner()).isEqualTo("alice");
        assertThat(registered.name()).isEqualTo("kitchen");
        assertThat(Files.getPosixFilePermissions(file).toString()).isEqualTo("[OWNER_READ, OWNER_WRITE]");
        assertThat(create.out()).doesNotContain("coap-client");
    }

    @Test
    void device_create_with_psk_prints_a_coap_client_line_that_matches_the_credentials() throws Exception {
        initialisedCloudKey();
        Path file = tmp.resolve("psk.json");

        CliRun create = corralCloud("device", "create", "--data", data().toString(), "--owner", "bob", "--psk",
                "--out", file.toString(), "--cloud-host", "cloud.example", "--cloud-port", "15684");

        assertThat(create.exit()).as(create.err()).isZero();
        DeviceCredentials credentials = DeviceCredentials.load(file);
        assertThat(credentials.auth()).isEqualTo(DeviceCredentials.Auth.PSK);
        assertThat(credentials.cloudHost()).isEqualTo("cloud.example");
        assertThat(credentials.cloudPort()).isEqualTo(15684);
        assertThat(create.out()).contains("try it: coap-client -m get -u " + credentials.deviceId() + " -k "
                + credentials.psk() + " coaps://cloud.example:15684/t\n");
        DeviceRecord registered = withRegistry(r -> r.findById(credentials.deviceId()).orElseThrow());
        assertThat(registered.credentialType()).isEqualTo(CredentialType.PSK);
        assertThat(registered.psk()).isEqualTo(credentials.psk());
    }

    @Test
    void a_cloud_port_out_of_range_is_rejected_naming_the_flag_and_range() {
        initialisedCloudKey();

        CliRun create = corralCloud("device", "create", "--data", data().toString(), "--owner", "alice",
                "--out", tmp.resolve("d.json").toString(), "--cloud-port", "70000");

        assertThat(create.exit()).isEqualTo(2);
        assertThat(create.err()).startsWith(
                "error: Invalid value for option '--cloud-port': port must be in [1, 65535], was 70000\n");
        assertThat(tmp.resolve("d.json")).doesNotExist();
        CliRun blankHost = corralCloud("device", "create", "--data", data().toString(), "--owner", "alice",
                "--out", tmp.resolve("d.json").toString(), "--cloud-host", " ");
        assertThat(blankHost.exit()).isEqualTo(2);
        assertThat(blankHost.err()).isEqualTo("error: --cloud-host must be a host name or address, was empty\n");
    }

    @Test
    void a_coap_port_out_of_range_is_rejected_naming_the_flag_and_range() {
        CliRun run = corralCloud("run", "--data", data().toString(), "--coap-port", "-1");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).startsWith("error: Invalid value for option '--coap-port': port must be in [0, 65535], was -1\n");
        assertThat(data()).doesNotExist();
    }

    @Test
    void an_owner_name_with_bad_characters_is_rejected_and_nothing_is_written() {
        initialisedCloudKey();
        Path file = tmp.resolve("d.json");

        CliRun create = corralCloud("device", "create", "--data", data().toString(), "--owner", "bad name", "--out", file.toString());

        assertThat(create.exit()).isEqualTo(2);
        assertThat(create.err()).isEqualTo("error: owner name must be 1..64 characters of [A-Za-z0-9._@-], was 'bad name'\n");
        assertThat(file).doesNotExist();
        assertThat(withRegistry(SqliteDeviceRegistry::owners)).isEmpty();
    }

    @Test
    void a_bad_device_name_is_rejected_before_the_owner_is_created() {
        initialisedCloudKey();

        CliRun create = corralCloud("device", "create", "--data", data().toString(), "--owner", "alice", "--name", "x".repeat(65),
                "--out", tmp.resolve("d.json").toString());

        assertThat(create.exit()).isEqualTo(2);
        assertThat(create.err()).startsWith("error: device name must be 1..64 characters without control characters, was 'xxx");
        assertThat(withRegistry(SqliteDeviceRegistry::owners)).isEmpty();
        assertThat(tmp.resolve("d.json")).doesNotExist();
        assertThat(tmp.resolve(".d.json.tmp")).doesNotExist();
    }

    @Test
    void device_create_refuses_a_data_dir_that_was_never_initialised() {
        CliRun create = corralCloud("device", "create", "--data", data().toString(), "--owner", "alice",
                "--out", tmp.resolve("d.json").toString());

        assertThat(create.exit()).isEqualTo(3);
        assertThat(create.err()).isEqualTo("error: data dir " + data() + " is not initialised; run: corral-cloud init --data "
                + data() + "\n");
        assertThat(data()).doesNotExist();
    }

    @Test
    void device_create_never_overwrites_an_existing_credential_file() throws Exception {
        initialisedCloudKey();
        Path file = Files.writeString(tmp.resolve("taken.json"), "{}");

        CliRun create = corralCloud("device", "create", "--data", data().toString(), "--owner", "alice", "--out", file.toString());

        assertThat(create.exit()).isEqualTo(3);
        assertThat(create.err()).isEqualTo("error: " + file + " already exists; choose another --out\n");
        assertThat(file).hasContent("{}");
        assertThat(withRegistry(SqliteDeviceRegistry::owners)).isEmpty();
    }

    @Test
    void device_list_prints_a_table_and_json_filtered_by_owner_without_secrets() throws Exception {
        initialisedCloudKey();
        String a = deviceId(corralCloud("device", "create", "--data", data().toString(), "--owner", "alice", "--name", "one",
                "--out", tmp.resolve("a.json").toString()));
        String b = deviceId(corralCloud("device", "create", "--data", data().toString(), "--owner", "bob", "--psk",
                "--out", tmp.resolve("b.json").toString()));

        CliRun table = corralCloud("device", "list", "--data", data().toString());
        CliRun json = corralCloud("device", "list", "--data", data().toString(), "--owner", "bob", "--json");

        assertThat(table.exit()).isZero();
        assertThat(table.out().lines().toList()).hasSize(3).first().asString().startsWith("ID  ");
        assertThat(table.out()).containsPattern(a + "  alice  rpk .* never +one")
                .containsPattern(b + "  bob    psk .* never");
        assertThat(json.exit()).isZero();
        JsonNode listed = new ObjectMapper().readTree(json.out());
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).get("id").asText()).isEqualTo(b);
        assertThat(listed.get(0).get("auth").asText()).isEqualTo("psk");
        assertThat(listed.get(0).get("last_seen").isNull()).isTrue();
        String psk = DeviceCredentials.load(tmp.resolve("b.json")).psk();
        assertThat(json.out()).doesNotContain(psk);
    }

    @Test
    void device_list_of_an_unknown_owner_says_so() {
        initialisedCloudKey();

        CliRun list = corralCloud("device", "list", "--data", data().toString(), "--owner", "carol");

        assertThat(list.exit()).isEqualTo(3);
        assertThat(list.err()).isEqualTo("error: unknown owner 'carol'\n");
    }

    @Test
    void a_missing_data_option_is_a_usage_error_pointing_at_help() {
        CliRun init = corralCloud("init");

        assertThat(init.exit()).isEqualTo(2);
        assertThat(init.err()).isEqualTo("error: Missing required option: '--data=DIR'\n"
                + "Try 'corral-cloud init --help' for more information.\n");
    }

    @Test
    void verbose_flag_is_accepted_after_a_subcommand_and_turns_on_debug_logging() {
        var corral = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.corral");
        try {
            CliRun init = corralCloud("init", "-v", "--data", data().toString());

            assertThat(init.exit()).isZero();
            assertThat(corral.isDebugEnabled()).isTrue();
        } finally {
            corral.setLevel(null);
        }
    }

    @Test
    void help_lists_the_commands_and_exit_codes() {
        CliRun help = corralCloud("--help");

        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("init", "device", "run", "Exit codes:", "3   not possible in the current state");
        assertThat(corralCloud("device", "create", "--help").out()).contains("--cloud-port=PORT", "Exit codes:");
        assertThat(corralCloud("device", "list", "--version").out()).isEqualTo("corral-cloud 0.1.0\n");
        assertThat(List.of(corralCloud("device").exit(), corralCloud().exit())).containsOnly(2);
    }
}
