package io.corral.protocol;

/** Types a variable may have on the wire. */
public enum VariableType {
    INT("int"), DOUBLE("double"), BOOL("bool"), STRING("string");

    private final String wireName;

    VariableType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static VariableType fromWireName(String name) {
        for (VariableType type : values()) {
            if (type.wireName.equals(name)) {
                return type;
            }
        }
        throw new IllegalArgumentException("variable type must be one of int, double, bool, string; was '" + name + "'");
    }
}
