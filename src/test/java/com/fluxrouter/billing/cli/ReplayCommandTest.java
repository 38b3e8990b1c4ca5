package com.fluxrouter.billing.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code replay} from the command line, as a new user runs it. */
class ReplayCommandTest {
    private static final Path EXAMPLES = Path.of("examples");

    @TempDir
    Path tmp;

    private static int replay(String... args) {
        return new CommandLine(new FluxBilling()).execute(args);
    }

    private static List<String> lines(Path dir, String file) throws IOException {
        return Files.readAllLines(dir.resolve(file));
    }

    /**
     * The incident: one request stamped 2099 by a router with a broken clock. With no --now the replay's
     * wall clock judges it, so it alone is rejected and every valid request is billed exactly as without it.
     */
    @Test
    void withoutNowAFarFutureRequestIsRejectedAndEveryValidRequestIsBilled() throws IOException {
        Path in = tmp.resolve("in");
        Files.createDirectories(in);
        Files.copy(EXAMPLES.resolve("plans.jsonl"), in.resolve("plans.jsonl"));
        List<String> requests = Files.readAllLines(EXAMPLES.resolve("requests.jsonl"));
        // The far-future request in the middle of the file, before requests it would otherwise make TOO_LATE.
        List<String> withFuture = new java.util.ArrayList<>(requests.subList(0, 3));
        withFuture.add("{\"request_id\":\"broken-clock\",\"account_id\":\"acme\",\"requested_model\":\"flux-auto\","
                + "\"served_model\":\"deepseek-r1\",\"input_tokens\":1000,\"output_tokens\":1000,"
                + "\"completed_at\":\"2099-01-01T00:00:00Z\"}");
        withFuture.addAll(requests.subList(3, requests.size()));
        Files.write(in.resolve("requests.jsonl"), withFuture, StandardOpenOption.CREATE_NEW);

        assertThat(replay("replay", "--in", in.toString(), "--out", tmp.resolve("out").toString())).isZero();
        assertThat(replay("replay", "--in", EXAMPLES.toString(), "--out", tmp.resolve("clean").toString(),
                "--now", "2026-11-27T00:00:00Z")).isZero();

        for (String file : List.of("priced.jsonl", "overage.jsonl", "alerts.jsonl", "invoice-lines.jsonl")) {
            assertThat(lines(tmp.resolve("out"), file)).as(file).isEqualTo(lines(tmp.resolve("clean"), file));
        }
        List<String> rejected = lines(tmp.resolve("out"), "rejected.jsonl");
        assertThat(rejected).filteredOn(l -> l.contains("\"reason\":\"FUTURE_TIMESTAMP\"")).singleElement().asString()
                .contains("completed_at 2099-01-01T00:00:00Z");
        assertThat(rejected).hasSize(lines(tmp.resolve("clean"), "rejected.jsonl").size() + 1)
                .noneMatch(l -> l.contains("TOO_LATE"));
        assertThat(lines(tmp.resolve("out"), "priced.jsonl")).hasSize(11);
    }
}
