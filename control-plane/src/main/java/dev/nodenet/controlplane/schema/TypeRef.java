package dev.nodenet.controlplane.schema;

import java.util.Objects;

/**
 * The type of one field in a declared object schema.
 *
 * <p>Immutable; instances are shared freely between threads.
 */
public sealed interface TypeRef {

    /** A JSON scalar, or one of the Kubernetes string-encoded scalars. */
    enum Scalar implements TypeRef {
        /** JSON string. */
        STRING,
        /** JSON integer that fits a Go int32. */
        INT32,
        /** JSON integer that fits a Go int64. */
        INT64,
        /** JSON true/false. */
        BOOLEAN,
        /** JSON number (Go float64). */
        NUMBER,
        /** RFC 3339 timestamp as a string (meta/v1 Time). */
        DATE_TIME,
        /** Either a JSON integer or a string, like a named port (intstr.IntOrString). */
        INT_OR_STRING,
        /** A resource quantity such as "500m" or "1Gi"; a plain JSON number is accepted too. */
        QUANTITY
    }

    /** An object whose content is accepted without any checks ("open object"). */
    enum Open implements TypeRef {
        /** The one open-object type. */
        ANY
    }

    /** A reference to a named object schema, for example {@code io.k8s.api.core.v1.ServicePort}. */
    record Ref(String schemaName) implements TypeRef {
        public Ref {
            Objects.requireNonNull(schemaName, "schemaName");
        }
    }

    /** A JSON array whose items are {@code items}. */
    record ArrayOf(TypeRef items) implements TypeRef {
        public ArrayOf {
            Objects.requireNonNull(items, "items");
        }
    }

    /** A JSON object with arbitrary string keys whose values are {@code values}. */
    record MapOf(TypeRef values) implements TypeRef {
        public MapOf {
            Objects.requireNonNull(values, "values");
        }
    }
}
