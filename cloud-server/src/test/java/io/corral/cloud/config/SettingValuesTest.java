package io.corral.cloud.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The settings model on its own: definitions, the one duration syntax, resolution and its messages. */
class SettingValuesTest {
    private static final Setting<Duration> WAIT = Setting.of("queue.wait", SettingType.DURATION, Duration.ofSeconds(5),
            "How long to wait.").range(Duration.ZERO, Duration.ofSeconds(30)).name("queueWait").flag("DURATION",
            "--queue-wait");
    private static final Setting<Double> RATE = Setting.of("queue.rate", SettingType.DECIMAL, 200.0, "How fast.")
            .range(1.0, 100_000.0).unit("per second").name("rate");
    private static final Setting<Integer> WORKERS = Setting.of("workers", SettingType.INTEGER, 2, "How many.")
            .range(0, 64);
    private static final Catalogue CATALOGUE = Catalogue.builder("TEST_").foreignEnv("TEST_JAVA_OPTS")
            .foreignEnv("TEST_OTHER_").add(List.of(WAIT, RATE, WORKERS)).passThrough("lib.", "the library's").build();

    @TempDir
    Path tmp;

    @Test
    void durations_take_a_unit_and_a_bare_number_is_refused_with_the_syntax() {
        assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.parse("5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("90d")).isEqualTo(Duration.ofDays(90));
        assertThat(Durations.parse("0")).isZero();
        assertThatThrownBy(() -> Durations.parse("30"))
                .hasMessage("'30' is not a duration: a number needs a unit; use a number with ms, s, m or h, like "
                        + "250ms, 5s, 2m or 1h");
        assertThatThrownBy(() -> Durations.parse("-1s")).hasMessageContaining("is not a duration");
        assertThatThrownBy(() -> Durations.parse("soon")).hasMessage("'soon' is not a duration: use a number with "
                + "ms, s, m or h, like 250ms, 5s, 2m or 1h");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Durations.format(Duration.ofMinutes(10))).isEqualTo("10m");
        assertThat(Durations.describe(Duration.ofMinutes(10))).isEqualTo("10 min");
        assertThat(Durations.describe(Duration.ZERO)).isEqualTo("0 ms");
        assertThat(Durations.describe(Duration.ofHours(2))).isEqualTo("2 h");
    }

    @Test
    void a_builder_names_its_field_and_the_command_line_names_where_the_value_came_from() {
        SettingException e = catchSetting(() -> WAIT.check(Duration.ofSeconds(31)));
        assertThat(e).hasMessage("queueWait must be in [0 ms, 30 s], was 31 s");
        assertThat(e.outOfRange()).isTrue();
        assertThat(e.messageFor("--queue-wait")).isEqualTo("--queue-wait must be in [0 ms, 30 s], was 31 s");
        assertThat(catchSetting(() -> WORKERS.check(70, 0, 8))).hasMessage("workers must be in [0, 8], was 70");
        assertThat(catchSetting(() -> RATE.check(Double.NaN))).hasMessage("rate must be in [1, 100000], was NaN");

        SettingValues values = SettingValues.resolve(CATALOGUE, Map.of(), Map.of("TEST_QUEUE_RATE", "0"), null);
        assertThat(catchSetting(() -> values.get(RATE)))
                .hasMessage("TEST_QUEUE_RATE must be in [1, 100000], was 0 (per second)");
    }

    @Test
    void a_flag_wins_over_the_environment_which_wins_over_the_file_which_wins_over_the_default() throws Exception {
        Path file = Files.writeString(tmp.resolve("s.properties"),
                "queue.wait=1s\nqueue.rate=50\nworkers=3\nlib.THREADS=4\n");
        SettingValues values = SettingValues.resolve(CATALOGUE,
                Map.of(WAIT, new SettingValues.Flag("--queue-wait", "2s")),
                Map.of("TEST_QUEUE_WAIT", "3s", "TEST_QUEUE_RATE", "60", "TEST_JAVA_OPTS", "-Xmx1g",
                        "TEST_OTHER_X", "y", "PATH", "/bin"), file);

        assertThat(values.get(WAIT)).isEqualTo(Duration.ofSeconds(2));
        assertThat(values.origin(WAIT).source()).isEqualTo(SettingValues.Source.FLAG);
        assertThat(values.get(RATE)).isEqualTo(60.0);
        assertThat(values.origin(RATE).toString()).isEqualTo("TEST_QUEUE_RATE");
        assertThat(values.get(WORKERS)).isEqualTo(3);
        assertThat(values.origin(WORKERS).toString()).isEqualTo("workers in " + file);
        assertThat(values.passThrough("lib.")).containsExactly(Map.entry("THREADS", "4"));
        assertThat(values.entries()).extracting(e -> e.setting().key() + "=" + e.value() + " " + e.source().label())
                .containsExactly("queue.wait=2s flag", "queue.rate=60 env", "workers=3 file");

        SettingValues none = SettingValues.resolve(CATALOGUE, Map.of(), Map.of(), null);
        assertThat(none.get(WORKERS)).isEqualTo(2);
        assertThat(none.origin(WORKERS).source()).isEqualTo(SettingValues.Source.DEFAULT);
    }

    @Test
    void an_unknown_key_or_variable_is_refused_naming_the_nearest_known_one() throws Exception {
        Path file = Files.writeString(tmp.resolve("s.properties"), "queue.wiat=1s\n");
        assertThatThrownBy(() -> SettingValues.resolve(CATALOGUE, Map.of(), Map.of(), file))
                .isInstanceOf(SettingException.class)
                .hasMessage("unknown key 'queue.wiat' in " + file + "; the nearest known key is 'queue.wait'");
        assertThatThrownBy(() -> SettingValues.resolve(CATALOGUE, Map.of(), Map.of("TEST_WORKER", "1"), null))
                .hasMessage("unknown setting TEST_WORKER in the environment; the nearest known one is TEST_WORKERS "
                        + "(workers)");
        assertThatThrownBy(() -> SettingValues.resolve(CATALOGUE, Map.of(), Map.of(), tmp.resolve("missing")))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("cannot read settings file");
    }

    @Test
    void a_malformed_value_names_where_it_came_from_and_what_is_accepted() throws Exception {
        Path file = Files.writeString(tmp.resolve("s.properties"), "queue.wait=30\n");
        assertThatThrownBy(() -> SettingValues.resolve(CATALOGUE, Map.of(), Map.of(), file))
                .hasMessage("Invalid value for queue.wait in " + file + ": '30' is not a duration: a number needs a "
                        + "unit; use a number with ms, s, m or h, like 250ms, 5s, 2m or 1h");
        assertThatThrownBy(() -> SettingValues.resolve(CATALOGUE, Map.of(), Map.of("TEST_WORKERS", "two"), null))
                .hasMessage("Invalid value for TEST_WORKERS: 'two' is not a whole number");
    }

    @Test
    void a_catalogue_refuses_two_settings_with_one_key_or_flag() {
        Setting<Integer> again = Setting.of("workers", SettingType.INTEGER, 1, "Again.");
        assertThatThrownBy(() -> Catalogue.builder("TEST_").add(WORKERS).add(again))
                .hasMessage("two settings have the key workers");
        Setting<Integer> sameFlag = Setting.of("other", SettingType.INTEGER, 1, "Other.").flag("N", "--queue-wait");
        assertThatThrownBy(() -> Catalogue.builder("TEST_").add(WAIT).add(sameFlag))
                .hasMessage("other and queue.wait share the flag --queue-wait");
        assertThatThrownBy(() -> Setting.of("Bad_Key", SettingType.TEXT, "", "Bad."))
                .hasMessageContaining("lower-case words");
        assertThatThrownBy(() -> Setting.of("x", SettingType.INTEGER, 70, "Out.").range(0, 64))
                .hasMessage("x: default outside its range");
    }

    private static SettingException catchSetting(Runnable action) {
        try {
            action.run();
        } catch (SettingException e) {
            return e;
        }
        throw new AssertionError("no SettingException");
    }
}
