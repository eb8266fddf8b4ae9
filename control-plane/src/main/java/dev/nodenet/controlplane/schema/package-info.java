/**
 * Object schemas of the kinds Nodenet serves, the OpenAPI v3 documents built from them, and server-side field
 * validation.
 *
 * <p>All of it is pure and built once at start-up; the objects are immutable and safe to share between threads.
 * Typical wiring in the API server:
 * <pre>{@code
 * SchemaCatalog catalog = KubeSchemas.catalog();
 * OpenApiV3 openApi = new OpenApiV3(catalog, resourceTable, "v1.33.0");   // List<ResourceInfo>
 * FieldValidator validator = new FieldValidator(catalog);
 *
 * GET /openapi/v3                 -> 200 application/json, openApi.rootBytes()
 * GET /openapi/v3/{gv...}?hash=   -> 200 application/json, openApi.documentBytes("api/v1" | "apis/discovery.k8s.io/v1")
 *                                    (404 if empty; the hash may be ignored, or used as ETag: openApi.hash(gv))
 * GET /openapi/v2                 -> 200, empty body, Content-Type application/com.github.proto-openapi.spec.v2.v1.0+protobuf
 *                                    (kubectl 1.27/1.28 fetch it on every validated write; every version fetches it
 *                                    for kind: List manifests; an empty protobuf document satisfies them)
 *
 * POST/PUT with fieldValidation=Strict (or Warn):
 *   StrictParse p = FieldValidator.parseStrict(bodyBytes);          // IOException -> 400
 *   List<FieldError> errs = concat(p.duplicates(), validator.validate(gvk, p.tree()));
 *   FieldValidator.createOrUpdateMessage(gvk, errs)                  // present -> 400 BadRequest with this message
 *   (Warn: send FieldValidator.warnings(errs) as "Warning: 299 - \"...\"" headers; type mismatches still fail)
 * PATCH with Strict: validate the patched object; FieldValidator.decodingMessage(errs) -> 422 Invalid, one cause on
 *   field "patch" (kube-apiserver's wording: "... patch: Invalid value: \"...\": strict decoding error: ...").
 * }</pre>
 */
package dev.nodenet.controlplane.schema;
