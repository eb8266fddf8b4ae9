package dev.nodenet.controlplane.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * A request failure that becomes a Kubernetes {@code Status} response with the right HTTP code and reason.
 * Thrown anywhere below the HTTP layer; never used for server faults (those are 500s logged with a stack trace).
 */
public final class ApiException extends RuntimeException {
    private final int code;
    private final String reason;
    private final ResourceType type;
    private final String name;
    private final List<Cause> causes;

    /** One invalid field of a 422 Invalid. {@code type} is a k8s cause type such as FieldValueInvalid. */
    public record Cause(String type, String field, String message) {}

    private ApiException(int code, String reason, String message, ResourceType type, String name, List<Cause> causes) {
        super(message);
        this.code = code;
        this.reason = reason;
        this.type = type;
        this.name = name;
        this.causes = causes;
    }

    public int code() { return code; }

    public String reason() { return reason; }

    public static ApiException badRequest(String message) {
        return new ApiException(400, "BadRequest", message, null, null, List.of());
    }

    public static ApiException unauthorized() {
        return new ApiException(401, "Unauthorized", "Unauthorized", null, null, List.of());
    }

    public static ApiException forbidden(ResourceType type, String name, String message) {
        return new ApiException(403, "Forbidden", message, type, name, List.of());
    }

    public static ApiException notFound(ResourceType type, String name) {
        return new ApiException(404, "NotFound", type.qualifiedName() + " \"" + name + "\" not found", type, name, List.of());
    }

    /** 404 for a path that names no resource we serve. */
    public static ApiException pathNotFound(String path) {
        return new ApiException(404, "NotFound", "the server could not find the requested resource", null, null, List.of());
    }

    public static ApiException methodNotAllowed(String method, String path) {
        return new ApiException(405, "MethodNotAllowed", "the server does not allow this method on the requested resource (" + method + " " + path + ")", null, null, List.of());
    }

    public static ApiException alreadyExists(ResourceType type, String name) {
        return new ApiException(409, "AlreadyExists", type.qualifiedName() + " \"" + name + "\" already exists", type, name, List.of());
    }

    /** The wording kubectl and client-go users know from optimistic-concurrency failures. */
    public static ApiException conflict(ResourceType type, String name) {
        return new ApiException(409, "Conflict", "Operation cannot be fulfilled on " + type.qualifiedName() + " \"" + name
                + "\": the object has been modified; please apply your changes to the latest version and try again", type, name, List.of());
    }

    public static ApiException conflict(ResourceType type, String name, String message) {
        return new ApiException(409, "Conflict", "Operation cannot be fulfilled on " + type.qualifiedName() + " \"" + name + "\": " + message, type, name, List.of());
    }

    public static ApiException expired(String message) {
        return new ApiException(410, "Expired", message, null, null, List.of());
    }

    public static ApiException tooLarge(long limitBytes) {
        return new ApiException(413, "RequestEntityTooLarge", "Request entity too large: limit is " + limitBytes, null, null, List.of());
    }

    public static ApiException unsupportedMediaType(String message) {
        return new ApiException(415, "UnsupportedMediaType", message, null, null, List.of());
    }

    public static ApiException notAcceptable(String message) {
        return new ApiException(406, "NotAcceptable", message, null, null, List.of());
    }

    /** 422 with one cause per bad field, worded like kube-apiserver: {@code Service "x" is invalid: spec.ports[0].port: Invalid value: ...}. */
    public static ApiException invalid(ResourceType type, String name, List<Cause> causes) {
        StringBuilder msg = new StringBuilder(type.kind()).append(" \"").append(name).append("\" is invalid: ");
        if (causes.size() > 1) msg.append('[');
        for (int i = 0; i < causes.size(); i++) {
            if (i > 0) msg.append(", ");
            msg.append(causes.get(i).field()).append(": ").append(causes.get(i).message());
        }
        if (causes.size() > 1) msg.append(']');
        return new ApiException(422, "Invalid", msg.toString(), type, name, List.copyOf(causes));
    }

    public static ApiException serviceUnavailable(String message) {
        return new ApiException(503, "ServiceUnavailable", message, null, null, List.of());
    }

    public static ApiException internal(String message) {
        return new ApiException(500, "InternalError", message, null, null, List.of());
    }

    /** The Status object for this error. */
    public ObjectNode toStatus() {
        return status(code, reason, getMessage(), type, name, causes);
    }

    static ObjectNode status(int code, String reason, String message, ResourceType type, String name, List<Cause> causes) {
        ObjectNode s = JsonNodeFactory.instance.objectNode();
        s.put("kind", "Status");
        s.put("apiVersion", "v1");
        s.putObject("metadata");
        s.put("status", code < 300 ? "Success" : "Failure");
        if (message != null) s.put("message", message);
        if (reason != null) s.put("reason", reason);
        if (type != null || name != null || !causes.isEmpty()) {
            ObjectNode d = s.putObject("details");
            if (name != null) d.put("name", name);
            if (type != null) {
                if (!type.group().isEmpty()) d.put("group", type.group());
                // kube-apiserver names the kind in Invalid errors ("The Service "x" is invalid") and the resource elsewhere
                d.put("kind", code == 422 ? type.kind() : type.plural());
            }
            if (!causes.isEmpty()) {
                ArrayNode arr = d.putArray("causes");
                for (Cause c : causes) arr.addObject().put("reason", c.type()).put("message", c.message()).put("field", c.field());
            }
        }
        s.put("code", code);
        return s;
    }
}
