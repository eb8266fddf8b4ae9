package dev.nodenet.api.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Objects;

/**
 * A value that is either an integer or a string on the wire ({@code targetPort: 8080} or {@code targetPort: http}).
 * Exactly one of {@link #intValue()} and {@link #strValue()} is non-null.
 */
public record IntOrString(Integer intValue, String strValue) {

    public IntOrString {
        if ((intValue == null) == (strValue == null)) {
            throw new IllegalArgumentException("IntOrString needs exactly one of an int and a string");
        }
    }

    public static IntOrString of(int value) {
        return new IntOrString(value, null);
    }

    public static IntOrString of(String value) {
        return new IntOrString(null, Objects.requireNonNull(value, "value"));
    }

    /** Decodes a JSON number or string; anything else (a fraction, an object) is rejected. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static IntOrString fromJson(Object value) {
        return switch (value) {
            case Integer i -> of(i);
            case String s -> of(s);
            case null, default -> throw new IllegalArgumentException("expected an integer or a string, got " + value);
        };
    }

    public boolean isInt() {
        return intValue != null;
    }

    /** The wire value: an Integer or a String. */
    @JsonValue
    public Object value() {
        return isInt() ? intValue : strValue;
    }

    @Override
    public String toString() {
        return String.valueOf(value());
    }
}
