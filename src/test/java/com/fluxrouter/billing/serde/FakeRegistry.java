package com.fluxrouter.billing.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A small in-process schema registry speaking the part of the Confluent REST API the pipeline uses, on a free port,
 * that can be taken down (every call answered 503) or made to answer every call with a fixed status and body: the
 * registry failures the real one cannot be made to produce on demand. Counts the calls it receives while down.
 */
public final class FakeRegistry implements AutoCloseable {
    private record Canned(int status, String body) {
    }

    private final ObjectMapper json = new ObjectMapper();
    private final HttpServer server;
    private final Map<String, Integer> idsBySchema = new ConcurrentHashMap<>();
    private final Map<Integer, String> schemasById = new ConcurrentHashMap<>();
    private final Map<String, List<Integer>> subjects = new ConcurrentHashMap<>();
    private final AtomicReference<Canned> canned = new AtomicReference<>();
    private final AtomicInteger callsWhileFailing = new AtomicInteger();

    public FakeRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Every call from now on answers 503, as a registry that is down behind a proxy. */
    public void goDown() {
        answerEverythingWith(503, "{\"error_code\":50301,\"message\":\"unavailable\"}");
    }

    public void answerEverythingWith(int status, String body) {
        canned.set(new Canned(status, body));
    }

    public void comeBack() {
        canned.set(null);
    }

    public int callsWhileFailing() {
        return callsWhileFailing.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Canned failure = canned.get();
            if (failure != null) {
                callsWhileFailing.incrementAndGet();
                reply(exchange, failure.status(), failure.body());
                return;
            }
            String path = URLDecoder.decode(exchange.getRequestURI().getRawPath(), StandardCharsets.UTF_8);
            String method = exchange.getRequestMethod();
            String[] parts = path.substring(1).split("/");
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (parts[0].equals("schemas") && parts.length == 3) {
                schemaById(exchange, Integer.parseInt(parts[2]));
            } else if (parts[0].equals("config")) {
                reply(exchange, 200, "{\"compatibilityLevel\":\"BACKWARD\"}");
            } else if (parts[0].equals("subjects") && parts.length == 3 && method.equals("POST")) {
                register(exchange, parts[1], schemaOf(body));
            } else if (parts[0].equals("subjects") && parts.length == 3) {
                versions(exchange, parts[1]);
            } else if (parts[0].equals("subjects") && parts.length == 2) {
                lookUp(exchange, parts[1], schemaOf(body));
            } else {
                reply(exchange, 404, "{\"error_code\":404,\"message\":\"HTTP 404 Not Found\"}");
            }
        }
    }

    private String schemaOf(String body) throws IOException {
        JsonNode request = json.readTree(body);
        return request.get("schema").asText();
    }

    private void schemaById(HttpExchange exchange, int id) throws IOException {
        String schema = schemasById.get(id);
        if (schema == null) {
            reply(exchange, 404, "{\"error_code\":40403,\"message\":\"Schema not found\"}");
            return;
        }
        reply(exchange, 200, json.createObjectNode().put("schema", schema).toString());
    }

    private synchronized void register(HttpExchange exchange, String subject, String schema) throws IOException {
        int id = idsBySchema.computeIfAbsent(schema, text -> {
            int next = idsBySchema.size() + 1;
            schemasById.put(next, text);
            return next;
        });
        List<Integer> versions = subjects.computeIfAbsent(subject, name -> new ArrayList<>());
        if (!versions.contains(id)) {
            versions.add(id);
        }
        reply(exchange, 200, "{\"id\":" + id + "}");
    }

    private void versions(HttpExchange exchange, String subject) throws IOException {
        List<Integer> versions = subjects.get(subject);
        if (versions == null) {
            reply(exchange, 404, "{\"error_code\":40401,\"message\":\"Subject not found\"}");
            return;
        }
        reply(exchange, 200, json.writeValueAsString(versions));
    }

    private void lookUp(HttpExchange exchange, String subject, String schema) throws IOException {
        List<Integer> versions = subjects.get(subject);
        Integer id = idsBySchema.get(schema);
        if (versions == null) {
            reply(exchange, 404, "{\"error_code\":40401,\"message\":\"Subject not found\"}");
        } else if (id == null || !versions.contains(id)) {
            reply(exchange, 404, "{\"error_code\":40403,\"message\":\"Schema not found\"}");
        } else {
            reply(exchange, 200, "{\"id\":" + id + ",\"subject\":\"" + subject + "\",\"version\":1}");
        }
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
