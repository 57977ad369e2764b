package io.corral.cloud.cli;

import static io.corral.cloud.testkit.CliRun.corralCloud;
import static org.assertj.core.api.Assertions.assertThat;

import io.corral.cloud.registry.CloudKeys;
import io.corral.cloud.testkit.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --storage SPEC} beside {@code --data DIR}: the forms it takes, and what each command does with them. */
class StorageCliTest {
    @TempDir
    Path tmp;

    private String dir() {
        return tmp.resolve("data").toString();
    }

    @Test
    void init_with_memory_storage_makes_a_cloud_key_and_leaves_nothing_on_disk() throws Exception {
        CliRun init = corralCloud("init", "--storage", "memory");

        assertThat(init.exit()).as(init.err()).isZero();
        assertThat(init.err()).isEmpty();
        assertThat(init.out()).startsWith("initialised memory (nothing is kept: memory storage ends with the process)\n"
                + "cloud public key: ");
        String key = init.out().lines().toList().get(1).substring("cloud public key: ".length());
        CloudKeys.publicKeyFromSpki(Base64.getDecoder().decode(key)); // a real P-256 SPKI
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void sqlite_storage_is_the_same_as_data_dir() {
        CliRun init = corralCloud("init", "--storage", "sqlite:" + dir());
        assertThat(init.exit()).as(init.err()).isZero();
        assertThat(init.out()).startsWith("initialised sqlite:" + dir() + "\ncloud public key: ");
        assertThat(tmp.resolve("data/corral.db")).isRegularFile();

        assertThat(corralCloud("init", "--data", dir()).out()).startsWith(dir() + " is already initialised\n");
        CliRun create = corralCloud("device", "create", "--data", dir(), "--owner", "alice", "--psk", "--out",
                tmp.resolve("d.json").toString());
        assertThat(create.exit()).as(create.err()).isZero();
        CliRun list = corralCloud("device", "list", "--storage", "sqlite:" + dir(), "--owner", "alice");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).contains("alice  psk");
    }

    @Test
    void a_storage_that_is_not_a_form_it_takes_is_a_usage_error_naming_the_value_and_the_forms() {
        CliRun bogus = corralCloud("init", "--storage", "bogus");
        CliRun noDir = corralCloud("init", "--storage", "sqlite:");
        CliRun memoryWithArgument = corralCloud("device", "list", "--storage", "memory:big");

        assertThat(bogus.exit()).isEqualTo(2);
        assertThat(bogus.err()).isEqualTo("error: Invalid value for option '--storage': 'bogus' is not a storage:"
                + " use sqlite:DIR or memory\nTry 'corral-cloud init --help' for more information.\n");
        assertThat(noDir.exit()).isEqualTo(2);
        assertThat(noDir.err()).startsWith("error: Invalid value for option '--storage': 'sqlite:' is not a"
                + " storage: use sqlite:DIR or memory (sqlite: needs a directory)\n");
        assertThat(memoryWithArgument.exit()).isEqualTo(2);
        assertThat(memoryWithArgument.err()).startsWith("error: Invalid value for option '--storage': 'memory:big'"
                + " is not a storage: use sqlite:DIR or memory (memory takes nothing after it)\n");
        assertThat(tmp.resolve("data")).doesNotExist();
    }

    @Test
    void data_and_storage_together_are_a_usage_error() {
        CliRun both = corralCloud("init", "--data", dir(), "--storage", "memory");

        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).isEqualTo("error: --data and --storage both given; --data DIR is short for --storage"
                + " sqlite:DIR, so give one of them\nTry 'corral-cloud init --help' for more information.\n");
        assertThat(tmp.resolve("data")).doesNotExist();
    }

    @Test
    void commands_that_need_lasting_storage_refuse_memory_storage() {
        CliRun list = corralCloud("device", "list", "--storage", "memory");
        CliRun token = corralCloud("token", "create", "--storage", "memory", "--owner", "alice");
        CliRun worker = corralCloud("worker", "--storage", "memory");

        assertThat(list.exit()).isEqualTo(2);
        assertThat(list.err()).isEqualTo("error: 'corral-cloud device list' needs storage that outlives it, was"
                + " --storage memory (empty at start, gone at the end); use --data DIR or --storage sqlite:DIR\n");
        assertThat(token.exit()).isEqualTo(2);
        assertThat(token.err()).startsWith("error: 'corral-cloud token create' needs storage that outlives it");
        assertThat(token.out()).isEmpty();
        assertThat(worker.exit()).isEqualTo(2);
        assertThat(worker.err()).startsWith("error: 'corral-cloud worker' needs storage that outlives it");
    }

    @Test
    void an_uninitialised_sqlite_storage_is_refused_naming_the_init_command_in_the_same_form() {
        CliRun list = corralCloud("integration", "list", "--storage", "sqlite:" + dir());

        assertThat(list.exit()).isEqualTo(3);
        assertThat(list.err()).isEqualTo("error: storage sqlite:" + dir() + " is not initialised; run: corral-cloud"
                + " init --storage sqlite:" + dir() + "\n");
        assertThat(tmp.resolve("data")).doesNotExist();
    }

    @Test
    void help_shows_both_options() {
        assertThat(corralCloud("device", "create", "--help").out()).contains("--data=DIR", "Short for",
                "--storage=SPEC", "Where the cloud keeps its state");
    }
}
