package io.corral.cloud.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Port options with their ranges; picocli prefixes the message with the option's name. */
final class PortConverters {
    private PortConverters() {
    }

    /** A port to connect to: [1, 65535]. */
    static final class Port implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return parse(value, 1);
        }
    }

    /** A port to listen on: [0, 65535], where 0 asks the system for a free one. */
    static final class ListenPort implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return parse(value, 0);
        }
    }

    private static int parse(String value, int min) {
        int port;
        try {
            port = Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a port number in [" + min + ", 65535]");
        }
        if (port < min || port > 65535) {
            throw new TypeConversionException("port must be in [" + min + ", 65535], was " + port);
        }
        return port;
    }
}
