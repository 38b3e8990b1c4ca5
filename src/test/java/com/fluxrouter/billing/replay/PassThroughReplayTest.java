package com.fluxrouter.billing.replay;

import com.fluxrouter.billing.config.BillingConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Replay's baselines (docs/performance.md, row 4): what each forwards, and that each counts every record read. */
class PassThroughReplayTest {
    private static final Pattern REQUEST_ID = Pattern.compile("\"request_id\":\"([^\"]+)\"");
    private static final Pattern ACCOUNT_ID = Pattern.compile("\"account_id\":\"([^\"]+)\"");

    @TempDir
    Path tmp;

    private static String request(String id, String account) {
        return "{\"request_id\":\"" + id + "\",\"account_id\":\"" + account + "\",\"requested_model\":\"flux-auto\","
                + "\"served_model\":\"flux-express-small\",\"input_tokens\":1000,\"output_tokens\":10,"
                + "\"completed_at\":\"2026-11-20T10:00:00Z\"}";
    }

    private Path input() throws IOException {
        Path in = Files.createDirectories(tmp.resolve("in"));
        Files.writeString(in.resolve("plans.jsonl"), "{\"account_id\":\"acct\",\"plan_name\":\"Team\","
                + "\"included_credit_usd\":\"20\",\"spend_ceiling_usd\":\"100\",\"billing_time_zone\":\"UTC\","
                + "\"effective_from\":\"2026-01-01T00:00:00Z\"}\n");
        // The router retried r1 twice (one on another account: the id alone decides) and r2 once.
        Files.write(in.resolve("requests.jsonl"), List.of(request("r1", "acct"), request("r2", "acct"),
                request("r1", "acct"), request("r3", "other"), request("r2", "acct"), request("r1", "other")));
        return in;
    }

    /** The field of each line that has it, in file order. */
    private static List<String> values(Path file, Pattern field) throws IOException {
        return Files.readAllLines(file).stream().map(field::matcher).filter(Matcher::find).map(m -> m.group(1)).toList();
    }

    @Test
    void dedupFloorForwardsEachRequestIdOnceAndEveryOtherRecord() throws IOException {
        Path in = input();
        PassThroughReplay floor = PassThroughReplay.dedupFloor(BillingConfig.defaults());
        long read = floor.run(in, tmp.resolve("floor"));

        // The 7 lines and the published price list's 9 records (6 models, 3 rates), which stand in for the missing
        // catalog files.
        assertThat(read).isEqualTo(16);
        assertThat(floor.written()).isEqualTo(16 - 3);
        Path out = tmp.resolve("floor").resolve("dedupfloor.jsonl");
        // Each id at its first sight, in input order; the catalog and the plan forwarded as they are.
        assertThat(values(out, REQUEST_ID)).containsExactly("r1", "r2", "r3");
        assertThat(values(out, ACCOUNT_ID)).containsExactly("acct", "acct", "acct", "other");
        assertThat(Files.readAllLines(out)).hasSize(16 - 3);
        assertThat(tmp.resolve("floor").resolve("passthrough.jsonl")).doesNotExist();
    }

    @Test
    void passThroughForwardsEveryRecordRepeatsIncluded() throws IOException {
        Path in = input();
        PassThroughReplay pass = new PassThroughReplay(BillingConfig.defaults());
        long read = pass.run(in, tmp.resolve("pass"));

        assertThat(read).isEqualTo(16);
        assertThat(pass.written()).isEqualTo(16);
        Path out = tmp.resolve("pass").resolve("passthrough.jsonl");
        assertThat(values(out, REQUEST_ID)).containsExactly("r1", "r2", "r1", "r3", "r2", "r1");
        assertThat(Files.readAllLines(out)).hasSize(16);
    }
}
