package dev.nodenet.controlplane.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nodenet.controlplane.server.ApiException.Cause;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Kubernetes name and label syntax rules, with kube-apiserver's wording so users recognise the messages. Pure. */
final class Names {
    private Names() {}

    private static final String DNS1123_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private static final Pattern DNS1123_LABEL_RE = Pattern.compile(DNS1123_LABEL);
    private static final Pattern DNS1123_SUBDOMAIN_RE = Pattern.compile(DNS1123_LABEL + "(\\." + DNS1123_LABEL + ")*");
    private static final String DNS1035_LABEL = "[a-z]([-a-z0-9]*[a-z0-9])?";
    private static final Pattern DNS1035_LABEL_RE = Pattern.compile(DNS1035_LABEL);
    private static final String QUALIFIED_NAME = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    private static final Pattern QUALIFIED_NAME_RE = Pattern.compile(QUALIFIED_NAME);
    private static final Pattern LABEL_VALUE_RE = Pattern.compile("(" + QUALIFIED_NAME + ")?");

    /** Which syntax a resource's object names follow. */
    enum Rule { SUBDOMAIN, LABEL, DNS1035 }

    static Rule ruleFor(ResourceType type) {
        return switch (type.kind()) {
            case "Namespace" -> Rule.LABEL;
            case "Service" -> Rule.DNS1035;
            default -> Rule.SUBDOMAIN;
        };
    }

    /** Problems with a name; empty when valid. */
    static List<String> nameErrors(String name, Rule rule) {
        return switch (rule) {
            case SUBDOMAIN -> {
                if (name.length() > 253) yield List.of("must be no more than 253 characters");
                yield DNS1123_SUBDOMAIN_RE.matcher(name).matches() ? List.of() : List.of("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '"
                        + DNS1123_LABEL + "(\\." + DNS1123_LABEL + ")*')");
            }
            case LABEL -> {
                if (name.length() > 63) yield List.of("must be no more than 63 characters");
                yield DNS1123_LABEL_RE.matcher(name).matches() ? List.of() : List.of("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '"
                        + DNS1123_LABEL + "')");
            }
            case DNS1035 -> {
                if (name.length() > 63) yield List.of("must be no more than 63 characters");
                yield DNS1035_LABEL_RE.matcher(name).matches() ? List.of() : List.of("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '"
                        + DNS1035_LABEL + "')");
            }
        };
    }

    static boolean isSubdomain(String s) {
        return s.length() <= 253 && DNS1123_SUBDOMAIN_RE.matcher(s).matches();
    }

    /** Validates metadata.labels and metadata.annotations keys/values, adding causes. */
    static void validateLabelsAndAnnotations(JsonNode metadata, List<Cause> causes) {
        JsonNode labels = metadata.path("labels");
        if (!labels.isMissingNode() && !labels.isNull()) {
            if (!labels.isObject()) {
                causes.add(new Cause("FieldValueInvalid", "metadata.labels", "Invalid value: must be a map of strings"));
            } else {
                for (Map.Entry<String, JsonNode> e : labels.properties()) {
                    String field = "metadata.labels";
                    qualifiedKeyErrors(e.getKey(), field, causes);
                    JsonNode v = e.getValue();
                    String value = v.isTextual() ? v.asText() : null;
                    if (value == null) {
                        causes.add(new Cause("FieldValueInvalid", field, "Invalid value: " + v + ": label values must be strings"));
                    } else if (value.length() > 63 || !LABEL_VALUE_RE.matcher(value).matches()) {
                        causes.add(new Cause("FieldValueInvalid", field, "Invalid value: \"" + value
                                + "\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(" + QUALIFIED_NAME + ")?')"));
                    }
                }
            }
        }
        JsonNode annotations = metadata.path("annotations");
        if (!annotations.isMissingNode() && !annotations.isNull()) {
            if (!annotations.isObject()) {
                causes.add(new Cause("FieldValueInvalid", "metadata.annotations", "Invalid value: must be a map of strings"));
            } else {
                long total = 0;
                for (Map.Entry<String, JsonNode> e : annotations.properties()) {
                    qualifiedKeyErrors(e.getKey(), "metadata.annotations", causes);
                    if (!e.getValue().isTextual()) {
                        causes.add(new Cause("FieldValueInvalid", "metadata.annotations", "Invalid value: " + e.getValue() + ": annotation values must be strings"));
                    } else {
                        total += e.getKey().length() + e.getValue().asText().length();
                    }
                }
                if (total > 256 * 1024) {
                    causes.add(new Cause("FieldValueTooLong", "metadata.annotations", "Too long: must have at most 262144 bytes"));
                }
            }
        }
    }

    private static void qualifiedKeyErrors(String key, String field, List<Cause> causes) {
        String name = key;
        int slash = key.indexOf('/');
        if (slash >= 0) {
            String prefix = key.substring(0, slash);
            name = key.substring(slash + 1);
            if (prefix.isEmpty() || !isSubdomain(prefix)) {
                causes.add(new Cause("FieldValueInvalid", field, "Invalid value: \"" + key + "\": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"));
                return;
            }
        }
        if (name.isEmpty() || name.length() > 63 || !QUALIFIED_NAME_RE.matcher(name).matches()) {
            causes.add(new Cause("FieldValueInvalid", field, "Invalid value: \"" + key
                    + "\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '" + QUALIFIED_NAME + "') and be at most 63 characters"));
        }
    }
}
