package com.fluxrouter.billing.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A client of the Confluent schema-registry REST API, the one that Confluent's, Karapace's and Redpanda's registries
 * serve and Apicurio's serves under {@code /apis/ccompat/v7}: so the pipeline works with any of them. Only what the
 * serdes and the registration step need: look a schema up under a subject, register it, set a subject's
 * compatibility, and fetch a schema by id. Schemas by id are immutable and cached for the life of the client, and
 * so is the id of each schema found or registered under a subject: once the start has settled the output subjects,
 * writing never calls the registry again.
 */
public final class SchemaRegistryClient {
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    /** Error codes of the API: the subject does not exist; the subject exists but not with this schema. */
    static final int SUBJECT_NOT_FOUND = 40401;
    static final int SCHEMA_NOT_FOUND = 40403;

    private final String baseUrl;
    private final Optional<String> authorization;
    private final HttpClient http;
    private final Duration timeout;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<String, Integer> idsBySubjectSchema = new ConcurrentHashMap<>();

    /**
     * @param baseUrl       the API's root, e.g. {@code http://registry:8081} (Confluent, Karapace, Redpanda) or
     *                      {@code http://registry:8080/apis/ccompat/v7} (Apicurio)
     * @param userInfo      {@code user:password} for HTTP basic authentication, or null
     */
    public SchemaRegistryClient(String baseUrl, String userInfo, Duration timeout) {
        if (baseUrl == null || baseUrl.isBlank()) {
            throw new IllegalArgumentException("the schema registry's URL is not set");
        }
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.authorization = Optional.ofNullable(userInfo).filter(info -> !info.isBlank()).map(info ->
                "Basic " + Base64.getEncoder().encodeToString(info.getBytes(StandardCharsets.UTF_8)));
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** The id of {@code schema} under {@code subject}, or empty when the subject does not hold it (or does not exist). */
    public Optional<Integer> idOf(String subject, Schema schema) {
        Integer known = idsBySubjectSchema.get(cacheKey(subject, schema));
        if (known != null) {
            return Optional.of(known);
        }
        Response response = send("POST", subjectPath(subject), schemaBody(schema));
        if (response.status() == 404 && (response.errorCode() == SUBJECT_NOT_FOUND
                || response.errorCode() == SCHEMA_NOT_FOUND)) {
            return Optional.empty();
        }
        return Optional.of(remember(subject, schema, response.expectOk("look up the schema of " + subject)));
    }

    /** Whether the registry has any version under {@code subject}. */
    public boolean hasSubject(String subject) {
        Response response = send("GET", subjectPath(subject) + "/versions", null);
        if (response.status() == 404) {
            return false;
        }
        response.expectOk("list the versions of " + subject);
        return true;
    }

    /**
     * Registers {@code schema} under {@code subject} (a no-op returning the existing id when it is already there).
     * The registry checks it against the subject's compatibility level and refuses it (HTTP 409) when it breaks it.
     */
    public int register(String subject, Schema schema) {
        Response response = send("POST", subjectPath(subject) + "/versions", schemaBody(schema));
        if (response.status() == 409) {
            throw new IncompatibleSchemaException(subject, response.message());
        }
        return remember(subject, schema, response.expectOk("register the schema of " + subject));
    }

    /** Sets the compatibility level a subject's new versions are checked against, e.g. {@code BACKWARD}. */
    public void setCompatibility(String subject, String level) {
        ObjectNode body = json.createObjectNode().put("compatibility", level);
        send("PUT", "/config/" + encode(subject), body.toString()).expectOk("set the compatibility of " + subject);
    }

    /**
     * The compatibility level that applies to a subject: its own, else the registry's global one where the registry
     * says so ({@code defaultToGlobal}); empty when it names none.
     */
    public Optional<String> compatibility(String subject) {
        Response response = send("GET", "/config/" + encode(subject) + "?defaultToGlobal=true", null);
        if (response.status() == 404) {
            return Optional.empty();
        }
        JsonNode body = response.expectOk("read the compatibility of " + subject);
        JsonNode level = body.has("compatibilityLevel") ? body.get("compatibilityLevel") : body.get("compatibility");
        return Optional.ofNullable(level).map(JsonNode::asText);
    }

    /** The schema registered with {@code id}; ids never change meaning, so each is fetched once. */
    public Schema schemaById(int id) {
        return schemasById.computeIfAbsent(id, key -> {
            Response response = send("GET", "/schemas/ids/" + key, null);
            // Only the registry saying "schema not found" condemns the record; a bare 404 may be a wrong URL or
            // a registry that lost its in-memory ids, which expectOk reports as unavailable.
            if (response.status() == 404 && response.errorCode() == SCHEMA_NOT_FOUND) {
                throw new UnknownSchemaIdException(key, baseUrl);
            }
            return new Schema.Parser().parse(response.expectOk("fetch schema " + key).get("schema").asText());
        });
    }

    private int remember(String subject, Schema schema, JsonNode answer) {
        int id = answer.get("id").asInt();
        idsBySubjectSchema.put(cacheKey(subject, schema), id);
        // The registry just said that this id is this schema: reading it back needs no call either.
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    private static String cacheKey(String subject, Schema schema) {
        return subject + '\n' + schema;
    }

    private String schemaBody(Schema schema) {
        return json.createObjectNode().put("schema", schema.toString()).toString();
    }

    private static String subjectPath(String subject) {
        return "/subjects/" + encode(subject);
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private Response send(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(timeout)
                .header("Accept", CONTENT_TYPE + ", application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            request.header("Content-Type", CONTENT_TYPE);
        }
        authorization.ifPresent(value -> request.header("Authorization", value));
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(method + " " + baseUrl + path, response.statusCode(), parse(response.body()));
        } catch (IOException e) {
            throw new RegistryUnavailableException(method + " " + baseUrl + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryUnavailableException(method + " " + baseUrl + path + " interrupted", e);
        }
    }

    private JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return json.createObjectNode();
        }
        try {
            return json.readTree(body);
        } catch (IOException notJson) {
            return json.createObjectNode().put("message", body);
        }
    }

    private record Response(String call, int status, JsonNode body) {
        int errorCode() {
            return body.path("error_code").asInt(-1);
        }

        String message() {
            return body.path("message").asText(body.toString());
        }

        JsonNode expectOk(String what) {
            if (status >= 200 && status < 300) {
                return body;
            }
            String detail = "cannot " + what + ": " + call + " answered " + status + " " + message();
            // Not the record's trouble: the registry failing or busy (5xx, 408, 429), refusing our credentials
            // (401, 403) or not serving this path (404 without an error code the caller expects). Callers retry
            // rather than reject.
            if (status >= 500 || status == 401 || status == 403 || status == 404 || status == 408 || status == 429) {
                throw new RegistryUnavailableException(detail, null);
            }
            throw new RegistryException(detail);
        }
    }
}
