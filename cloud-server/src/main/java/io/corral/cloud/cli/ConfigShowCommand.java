package io.corral.cloud.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.corral.cloud.admission.AdmissionKeys;
import io.corral.cloud.coap.DtlsSettings;
import io.corral.cloud.config.Durations;
import io.corral.cloud.config.Setting;
import io.corral.cloud.config.SettingValues;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code corral-cloud config show}: every setting of {@code run} with its value, its default and where the value
 * came from, after the same checks {@code run} makes. Takes {@code run}'s flags, so it answers "what would this
 * command line run with?".
 */
@Command(name = "show", modelTransformer = CloudSetup.Flags.class,
        description = {"Prints every setting of 'run': its key, value, default and where the value came from (flag, "
                + "env, file or default), after the checks 'run' makes. Takes the flags of 'run'."})
final class ConfigShowCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NONE = "-";

    @Mixin
    private SettingsOptions settings;
    @Spec
    private CommandSpec spec;

    @Option(names = "--json", description = "Print a JSON array instead of a table.")
    private boolean json;

    /** One row, as {@code --json} prints it; null for no value or no default. */
    record Row(String key, String value, String defaultValue, String source) {
    }

    @Override
    public Integer call() throws Exception {
        CloudSetup setup = settings.setup(spec);
        SettingValues values = setup.values();
        // Two defaults follow other settings; show what they come to.
        Map<Setting<?>, String> effective = Map.of(
                AdmissionKeys.PER_SOURCE, Integer.toString(setup.admission().perSourceInFlight()),
                AdmissionKeys.STALL_TIMEOUT, Durations.format(setup.admission().stallTimeout()));
        List<Row> rows = new ArrayList<>();
        for (SettingValues.Entry entry : values.entries()) {
            String value = entry.source() == SettingValues.Source.DEFAULT
                    ? effective.getOrDefault(entry.setting(), entry.value()) : entry.value();
            rows.add(new Row(entry.setting().key(), value, entry.defaultValue(), entry.source().label()));
        }
        values.passThrough(DtlsSettings.SCANDIUM_PREFIX).forEach((name, text) -> {
            String key = DtlsSettings.SCANDIUM_PREFIX + name;
            rows.add(new Row(key, text, DtlsSettings.defaultText(name),
                    values.passThroughOrigin(key).source().label()));
        });
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            List<Map<String, String>> array = new ArrayList<>();
            for (Row row : rows) {
                Map<String, String> object = new LinkedHashMap<>();
                object.put("key", row.key());
                object.put("value", row.value());
                object.put("default", row.defaultValue());
                object.put("source", row.source());
                array.add(object);
            }
            out.println(JSON.writeValueAsString(array));
            return CloudCli.EXIT_OK;
        }
        int keyWidth = rows.stream().mapToInt(r -> r.key().length()).max().orElse(3);
        int valueWidth = Math.max(5, rows.stream().mapToInt(r -> text(r.value()).length()).max().orElse(5));
        int defaultWidth = Math.max(7, rows.stream().mapToInt(r -> text(r.defaultValue()).length()).max().orElse(7));
        String format = "%-" + keyWidth + "s  %-" + valueWidth + "s  %-" + defaultWidth + "s  %s";
        out.println(String.format(format, "KEY", "VALUE", "DEFAULT", "SOURCE").stripTrailing());
        for (Row row : rows) {
            out.println(String.format(format, row.key(), text(row.value()), text(row.defaultValue()), row.source()));
        }
        return CloudCli.EXIT_OK;
    }

    private static String text(String value) {
        return value == null ? NONE : value;
    }
}
