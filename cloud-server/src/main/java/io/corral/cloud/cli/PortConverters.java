package io.corral.cloud.cli;

import io.corral.cloud.config.SettingType;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Port options with their ranges, the port types of the settings; picocli prefixes the message with the option. */
final class PortConverters {
    private PortConverters() {
    }

    /** A port to connect to: [1, 65535]. */
    static final class Port implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return parse(SettingType.PORT, value);
        }
    }

    private static int parse(SettingType<Integer> type, String value) {
        try {
            return type.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
