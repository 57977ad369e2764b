package io.corral.simulator;

import io.corral.simulator.run.Scenario;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The simulator's option types that are not settings (those take their types from
 * {@link io.corral.simulator.run.SimKeys}); picocli puts the option's name before each message.
 */
final class Converters {
    private Converters() {
    }

    static final class ScenarioValue implements ITypeConverter<Scenario> {
        @Override
        public Scenario convert(String value) {
            try {
                return Scenario.fromCli(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
