package com.fluxrouter.billing.replay;

import com.fluxrouter.billing.config.BillingConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replay's engine must be indistinguishable from the topology: for the same input, the engine and the production
 * topology on TopologyTestDriver write byte-identical files, on valid, hostile and late traffic alike.
 */
class ReplayEngineTest {
    private static final List<String> FILES =
            List.of("priced.jsonl", "overage.jsonl", "alerts.jsonl", "invoice-lines.jsonl", "rejected.jsonl",
                    "spend-status.jsonl");
    private static final Instant NOW = Instant.parse("2026-11-27T00:00:00Z");
    private static final String[] MODELS = {"flux-express-small", "flux-daily-medium", "deepseek-r1", "m-express",
            "m-deep", "not-in-catalog"};
    private static final String[] ACCOUNTS = {"payg", "free", "team", "ny", "kiri", "upgrader", "downgrader"};

    @TempDir
    Path tmp;

    @Test
    void examplesGiveTheSameFilesAsTheTopology() throws IOException {
        assertSameOutput(Path.of("examples"), true);
        assertSameOutput(Path.of("examples"), false);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void randomHostileTrafficGivesTheSameFilesAsTheTopology(long seed) throws IOException {
        Path in = tmp.resolve("in-" + seed);
        Files.createDirectories(in);
        writeInput(in, new Random(seed));
        assertSameOutput(in, true);
        assertSameOutput(in, false);
    }

    private void assertSameOutput(Path in, boolean close) throws IOException {
        Path engine = tmp.resolve("engine-" + in.getFileName() + close);
        Path topology = tmp.resolve("topology-" + in.getFileName() + close);
        Replay.Result result = new Replay(BillingConfig.defaults(), NOW).run(in, engine, close);
        new TopologyReplay(BillingConfig.defaults(), NOW).run(in, topology, close);
        assertThat(result.outputs()).as("every kind of output is exercised").allSatisfy((file, count) ->
                assertThat(count).as(file).isPositive());
        for (String file : FILES) {
            assertThat(Files.readString(engine.resolve(file))).as(file + (close ? " closed" : " open"))
                    .isEqualTo(Files.readString(topology.resolve(file)));
        }
    }

    private static void writeInput(Path in, Random random) throws IOException {
        Files.write(in.resolve("models.jsonl"), List.of(
                "{\"model_id\":\"flux-express-small\",\"lane\":\"EXPRESS\"}",
                "{\"model_id\":\"flux-daily-medium\",\"lane\":\"DAILY_DRIVER\"}",
                "{\"model_id\":\"deepseek-r1\",\"lane\":\"DEEP_THOUGHT\"}",
                "{\"model_id\":\"m-express\",\"lane\":\"EXPRESS\"}",
                "{\"model_id\":\"m-deep\",\"lane\":\"TURBO\"}",
                "{\"model_id\":\"m-deep\"}",
                "not json"));
        Files.write(in.resolve("rates.jsonl"), List.of(
                rate("EXPRESS", "1", "1", "2020-01-01T00:00:00Z"),
                rate("DAILY_DRIVER", "2", "2", "2020-01-01T00:00:00Z"),
                rate("DEEP_THOUGHT", "4", "4", "2020-01-01T00:00:00Z"),
                rate("EXPRESS", "0.9", "1.25", "2026-09-15T00:00:00Z"),
                rate("DEEP_THOUGHT", "3.5", "-1", "2026-09-01T00:00:00Z"),
                rate("DAILY_DRIVER", "2.0001", "2", "2026-09-01T00:00:00Z")));
        Files.write(in.resolve("plans.jsonl"), List.of(
                plan("free", "0.5", "0.5", null, "2020-01-01T00:00:00Z"),
                plan("team", "20", "60", null, "2020-01-01T00:00:00Z"),
                plan("ny", "5", null, "America/New_York", "2020-01-01T00:00:00Z"),
                plan("kiri", "1", "3", "Pacific/Kiritimati", "2020-01-01T00:00:00Z"),
                plan("upgrader", "1", "2", null, "2020-01-01T00:00:00Z"),
                plan("upgrader", "10", null, null, "2026-09-20T00:00:00Z"),
                plan("downgrader", "10", "50", null, "2020-01-01T00:00:00Z"),
                plan("downgrader", "1", "5", null, "2026-09-10T00:00:00Z"),
                plan("bad", "-1", null, null, "2020-01-01T00:00:00Z"),
                plan("bad", "10", "5", null, "2020-01-01T00:00:00Z"),
                plan("bad", "1", null, "Mars/Olympus", "2020-01-01T00:00:00Z")));
        List<String> requests = new ArrayList<>();
        long start = Instant.parse("2026-08-25T00:00:00Z").toEpochMilli();
        long span = Instant.parse("2026-11-20T00:00:00Z").toEpochMilli() - start;
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            int kind = random.nextInt(100);
            String line;
            if (kind < 4 && !sent.isEmpty()) {
                line = sent.get(random.nextInt(sent.size())); // a retry
            } else if (kind < 6) {
                line = "{\"request_id\":\"broken-" + i + "\""; // truncated
            } else {
                // Mostly in order, sometimes days late.
                long at = start + span * i / 1500 - (kind < 12 ? random.nextInt(7) * 86_400_000L : 0);
                long input = kind == 12 ? -1 : (long) Math.exp(9 + random.nextGaussian() * 1.3);
                long output = kind == 13 ? 10_000_001 : (long) Math.exp(4.5 + random.nextGaussian());
                String model = MODELS[random.nextInt(MODELS.length)];
                String lane = random.nextInt(3) == 0 ? ",\"lane\":\"" + (kind == 14 ? "TURBO" : "DAILY_DRIVER") + "\"" : "";
                String completed = kind == 15 ? "2027-01-01T00:00:00Z" : Instant.ofEpochMilli(at).toString();
                line = "{\"request_id\":\"r-" + i + "\",\"account_id\":\"" + ACCOUNTS[random.nextInt(ACCOUNTS.length)]
                        + "\",\"requested_model\":\"flux-auto\",\"served_model\":\"" + model + "\"" + lane
                        + ",\"input_tokens\":" + input + ",\"output_tokens\":" + output + ",\"completed_at\":\""
                        + completed + "\",\"quoted_cost_usd\":\"0.001\"}";
                sent.add(line);
            }
            requests.add(line);
        }
        requests.add("{\"request_id\":\"ancient\",\"account_id\":\"payg\",\"requested_model\":\"flux-auto\","
                + "\"served_model\":\"m-express\",\"input_tokens\":1,\"output_tokens\":1,\"completed_at\":\"2026-08-01T00:00:00Z\"}");
        Files.write(in.resolve("requests.jsonl"), requests);
    }

    private static String rate(String lane, String input, String output, String from) {
        return "{\"lane\":\"" + lane + "\",\"input_usd_per_million\":\"" + input + "\",\"output_usd_per_million\":\""
                + output + "\",\"effective_from\":\"" + from + "\"}";
    }

    private static String plan(String account, String credit, String ceiling, String zone, String from) {
        return "{\"account_id\":\"" + account + "\",\"plan_name\":\"p\",\"included_credit_usd\":\"" + credit + "\","
                + "\"spend_ceiling_usd\":" + (ceiling == null ? "null" : "\"" + ceiling + "\"") + ","
                + "\"billing_time_zone\":" + (zone == null ? "null" : "\"" + zone + "\"") + ","
                + "\"effective_from\":\"" + from + "\"}";
    }
}
