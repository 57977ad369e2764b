package io.corral.cloud.cli;

import io.corral.cloud.config.PicocliSettings;
import io.corral.cloud.config.Setting;
import io.corral.cloud.config.SettingException;
import io.corral.cloud.config.SettingValues;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code --config FILE} and {@code --data DIR} of {@code run} and {@code config show}, and the resolution of
 * {@link CloudSetup#CATALOGUE} from the flags given, the {@code CORRAL_*} environment and that file.
 */
final class SettingsOptions {
    @Option(names = "--config", paramLabel = "FILE",
            description = {"Settings file (Java properties: the keys of docs/corral.properties.example). Flags and "
                    + "CORRAL_* environment variables win over it; 'corral-cloud config show' tells what came from where."})
    private Path config;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Data directory of the cloud: the registry database (corral.db), the cloud's key pair and "
                    + "the queue; short for --storage sqlite:DIR.")
    private Path data;

    /**
     * The settings of this command line, checked and built.
     *
     * @throws CommandFailure a usage error naming the flag, variable or key of a bad value
     */
    CloudSetup setup(CommandSpec spec) {
        Map<Setting<?>, SettingValues.Flag> flags = new LinkedHashMap<>(
                PicocliSettings.given(spec.commandLine().getParseResult(), CloudSetup.CATALOGUE));
        if (data != null) {
            if (flags.containsKey(RunKeys.STORAGE)) {
                throw new CommandFailure(CloudCli.EXIT_USAGE, "--data and --storage both given; --data DIR is short "
                        + "for --storage " + CloudSetup.SQLITE + "DIR, so give one of them");
            }
            flags.put(RunKeys.STORAGE, new SettingValues.Flag("--data", CloudSetup.SQLITE + data));
        }
        SettingValues values;
        try {
            values = SettingValues.resolve(CloudSetup.CATALOGUE, flags, environment(spec), config);
        } catch (SettingException e) {
            throw new CommandFailure(CloudCli.EXIT_USAGE, e.getMessage());
        }
        return CloudSetup.of(values);
    }

    private static Map<String, String> environment(CommandSpec spec) {
        return spec.root().userObject() instanceof CloudCli cli ? cli.environment() : System.getenv();
    }
}
