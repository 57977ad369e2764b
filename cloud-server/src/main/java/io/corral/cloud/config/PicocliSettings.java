package io.corral.cloud.config;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.TypeConversionException;

/**
 * Picocli options made from {@link Setting}s, so that a flag's name, help, default and syntax check come from the
 * setting's one definition. Add them from a command's {@code IModelTransformer}, read the flags given with
 * {@link #given}, then {@link SettingValues#resolve} them with the environment and the settings file:
 *
 * <pre>{@code
 * @Command(name = "run", modelTransformer = RunCommand.Flags.class)
 * final class RunCommand implements Callable<Integer> {
 *     static final class Flags implements IModelTransformer {
 *         public CommandSpec transform(CommandSpec spec) {
 *             PicocliSettings.addOptions(spec, CATALOGUE);
 *             return spec;
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>A flag's value is checked against its setting's type while parsing (a malformed one is picocli's "Invalid
 * value for option"); its range later, with the other sources, so that a range that depends on another setting
 * is checked whichever source set each.
 */
public final class PicocliSettings {
    private PicocliSettings() {
    }

    /** Adds an option for every setting of the catalogue that has a flag. */
    public static void addOptions(CommandSpec spec, Catalogue catalogue) {
        for (Setting<?> setting : catalogue.settings()) {
            if (!setting.flags().isEmpty()) {
                spec.addOption(option(setting, catalogue));
            }
        }
    }

    private static OptionSpec option(Setting<?> setting, Catalogue catalogue) {
        String[] names = setting.flags().toArray(String[]::new);
        OptionSpec.Builder option = OptionSpec.builder(names).description(help(setting, catalogue));
        if (setting.type() == SettingType.BOOLEAN) {
            // No default here: the flag sets true, its --no- form false, and absence leaves the setting's default.
            option.type(boolean.class).arity("0").negatable(Boolean.TRUE.equals(setting.defaultValue()));
        } else {
            option.type(String.class).paramLabel(setting.paramLabel() == null ? "VALUE" : setting.paramLabel())
                    .converters(text -> {
                        try {
                            setting.parse(text);
                            return text;
                        } catch (IllegalArgumentException e) {
                            throw new TypeConversionException(e.getMessage());
                        }
                    });
        }
        return option.build();
    }

    /** "Doc. In [1, 64]; default: 2. Also admission.rate / CORRAL_ADMISSION_RATE." */
    static String help(Setting<?> setting, Catalogue catalogue) {
        StringBuilder help = new StringBuilder(setting.doc());
        String range = setting.rangeAsTyped();
        String defaultText = setting.defaultAsText();
        if (range != null || defaultText != null) {
            help.append(' ');
            if (range != null) {
                help.append("In ").append(range).append(setting.unit() == null ? "" : " (" + setting.unit() + ")");
            }
            if (defaultText != null) {
                help.append(range != null ? "; default: " : "Default: ").append(defaultText);
            }
            help.append('.');
        }
        help.append(" Key ").append(setting.key()).append(", env ").append(catalogue.envName(setting)).append('.');
        // Picocli reads descriptions as format strings.
        return help.toString().replace("%", "%%");
    }

    /**
     * The flags given on this command line, by setting; a boolean flag as {@code true} or {@code false}.
     */
    public static Map<Setting<?>, SettingValues.Flag> given(ParseResult parsed, Catalogue catalogue) {
        Map<Setting<?>, SettingValues.Flag> given = new LinkedHashMap<>();
        for (Setting<?> setting : catalogue.settings()) {
            if (setting.flags().isEmpty()) {
                continue;
            }
            OptionSpec option = parsed.matchedOption(setting.flags().get(0));
            if (option != null) {
                Object value = option.getValue();
                given.put(setting, new SettingValues.Flag(flagName(parsed, option), String.valueOf(value)));
            }
        }
        return given;
    }

    /** The name the user typed, so that {@code --no-keep-connections} is called that, not its positive form. */
    private static String flagName(ParseResult parsed, OptionSpec option) {
        for (String arg : parsed.originalArgs()) {
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            for (String candidate : option.names()) {
                if (candidate.equals(name) || (option.negatable() && name.equals(negated(candidate)))) {
                    return name;
                }
            }
        }
        return option.longestName();
    }

    private static String negated(String name) {
        return name.startsWith("--no-") ? "--" + name.substring(5) : "--no-" + name.substring(2);
    }
}
