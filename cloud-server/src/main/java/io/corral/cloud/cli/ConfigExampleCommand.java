package io.corral.cloud.cli;

import io.corral.cloud.coap.DtlsSettings;
import io.corral.cloud.config.Catalogue;
import io.corral.cloud.config.Setting;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code corral-cloud config example}: a settings file with every key, its default and its doc, made from the
 * definitions. {@code docs/corral.properties.example} is its output, and a test keeps the two the same.
 */
@Command(name = "example", description = {"Prints a settings file for 'run --config FILE' with every key, its "
        + "default and its doc (docs/corral.properties.example is this)."})
final class ConfigExampleCommand implements Callable<Integer> {
    private static final int WIDTH = 110;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(text(CloudSetup.CATALOGUE));
        spec.commandLine().getOut().flush();
        return CloudCli.EXIT_OK;
    }

    /** The file: a header, then each setting's doc as comments above its key and default. */
    static String text(Catalogue catalogue) {
        StringBuilder text = new StringBuilder();
        comment(text, "Settings of corral-cloud run, for 'corral-cloud run --config FILE' (a Java properties file). "
                + "Every key is here with its default, so this file as it is changes nothing; edit the ones you "
                + "need and delete the rest.");
        comment(text, "A flag wins over an environment variable (" + catalogue.envPrefix() + " and the key in upper "
                + "case, with _ for . and -, such as " + catalogue.envPrefix() + "ADMISSION_MODE), which wins over "
                + "this file. Durations take a unit: 250ms, 5s, 2m, 1h. An unknown key is an error. "
                + "'corral-cloud config show --config FILE' prints what each key comes to and where from.");
        comment(text, "Made by 'corral-cloud config example' from the settings' definitions; a test keeps "
                + "docs/corral.properties.example the same as its output.");
        for (Setting<?> setting : catalogue.settings()) {
            text.append('\n');
            StringBuilder doc = new StringBuilder(setting.doc());
            if (setting.rangeAsTyped() != null) {
                doc.append(" In ").append(setting.rangeAsTyped())
                        .append(setting.unit() == null ? "" : " (" + setting.unit() + ")").append('.');
            }
            if (!setting.flags().isEmpty()) {
                doc.append(" Flag ").append(setting.flags().get(0)).append('.');
            }
            if (setting.defaultValue() == null && setting.defaultAsText() != null) {
                doc.append(" Default: ").append(setting.defaultAsText()).append('.');
            }
            comment(text, doc.toString());
            String value = setting.defaultValue() == null ? null : setting.defaultAsText();
            text.append(value == null ? "#" + setting.key() + "=" : setting.key() + "=" + value).append('\n');
        }
        for (Map.Entry<String, String> passThrough : catalogue.passThrough().entrySet()) {
            text.append('\n');
            comment(text, passThrough.getKey() + "*: " + passThrough.getValue());
            String example = "DTLS_RECEIVER_THREAD_COUNT";
            text.append('#').append(passThrough.getKey()).append(example).append('=')
                    .append(DtlsSettings.defaultText(example)).append('\n');
        }
        return text.toString();
    }

    /** {@code # } lines of at most {@value #WIDTH} characters. */
    private static void comment(StringBuilder text, String words) {
        StringBuilder line = new StringBuilder("#");
        for (String word : words.split(" ")) {
            if (line.length() > 1 && line.length() + 1 + word.length() > WIDTH) {
                text.append(line).append('\n');
                line = new StringBuilder("#");
            }
            line.append(' ').append(word);
        }
        text.append(line).append('\n');
    }
}
