package io.corral.simulator;

import io.corral.device.DeviceCredentials;
import io.corral.simulator.run.Durations;
import io.corral.simulator.run.OutageKind;
import io.corral.simulator.run.Scenario;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** The simulator's option types; picocli puts the option's name before each message. */
final class Converters {
    private Converters() {
    }

    static final class DurationValue implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Durations.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
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

    static final class OutageValue implements ITypeConverter<OutageKind> {
        @Override
        public OutageKind convert(String value) {
            try {
                return OutageKind.fromCli(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class AuthValue implements ITypeConverter<DeviceCredentials.Auth> {
        @Override
        public DeviceCredentials.Auth convert(String value) {
            return switch (value.strip().toLowerCase(Locale.ROOT)) {
                case "rpk" -> DeviceCredentials.Auth.RPK;
                case "psk" -> DeviceCredentials.Auth.PSK;
                default -> throw new TypeConversionException("'" + value + "' is not an auth kind: use rpk or psk");
            };
        }
    }

    /** A switch spelt on or off (a boolean option would be a flag without a value in picocli). */
    enum Toggle {
        ON, OFF;

        boolean on() {
            return this == ON;
        }
    }

    static final class OnOff implements ITypeConverter<Toggle> {
        @Override
        public Toggle convert(String value) {
            return switch (value.strip().toLowerCase(Locale.ROOT)) {
                case "on" -> Toggle.ON;
                case "off" -> Toggle.OFF;
                default -> throw new TypeConversionException("'" + value + "' must be on or off");
            };
        }
    }
}
