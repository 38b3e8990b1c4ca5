package com.fluxrouter.billing.docs;

import com.fluxrouter.billing.schema.SpendStatus;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.serde.WireFormat;
import com.fluxrouter.billing.topology.Topics;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fleet-side example of docs/consuming.md is {@link FleetSpendStatus}, compiled with the tests: the document must
 * show its code exactly (the failure prints what to paste), and the example must read what the pipeline writes.
 * Records are written here with the pipeline's own serde, so the example's decoding is checked against the
 * production bytes; a real broker reads it in SpendControlIT.
 */
class FleetSpendStatusDocTest {
    private static final Path DOC = Path.of("docs/consuming.md");
    private static final Path EXAMPLE = Path.of("src/test/java/com/fluxrouter/billing/docs/FleetSpendStatus.java");

    @TempDir
    Path stateDir;

    @Test
    void theDocumentShowsTheCompiledExampleExactly() throws Exception {
        String example = region(Files.readString(EXAMPLE), "// fleet-example:begin\n", "// fleet-example:end");
        String expected = "```java\n" + example + "```\n";
        assertThat(region(Files.readString(DOC), "<!-- fleet-example:begin (the code of src/test/java/com/fluxrouter/"
                + "billing/docs/FleetSpendStatus.java) -->\n", "<!-- fleet-example:end -->"))
                .as("docs/consuming.md's fleet example, to paste:%n%s", expected).isEqualTo(expected);
    }

    @Test
    void theExampleReadsTheTopicTheSpendStatusIsWrittenTo() {
        assertThat(FleetSpendStatus.TOPIC).isEqualTo(Topics.SPEND_STATUS);
    }

    @Test
    void eachAccountsLatestRecordIsItsStatusAndOnlyCappedStopsRouting() {
        Properties settings = new Properties();
        settings.put(StreamsConfig.APPLICATION_ID_CONFIG, "flux-router-status");
        settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        settings.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        try (TopologyTestDriver driver = new TopologyTestDriver(FleetSpendStatus.topology(),
                FleetSpendStatus.properties(settings))) {
            TestInputTopic<String, SpendStatus> topic = driver.createInputTopic(Topics.SPEND_STATUS,
                    new StringSerializer(), new Serdes(WireFormat.SINGLE_OBJECT).avro(SpendStatus.class).serializer());
            topic.pipeInput("free-1", status("free-1", "CAPPED", "PLAN_CHANGE", "2026-11-10T08:00:00Z"));
            topic.pipeInput("free-2", status("free-2", "CAPPED", "USAGE", "2026-11-10T08:00:01Z"));
            topic.pipeInput("free-1", status("free-1", "ACTIVE", "PLAN_CHANGE", "2026-11-10T08:00:02Z"));

            KeyValueStore<String, ValueAndTimestamp<SpendStatus>> store =
                    driver.getTimestampedKeyValueStore(FleetSpendStatus.STORE);
            SpendStatus upgraded = store.get("free-1").value();
            assertThat(upgraded.getStatus()).isEqualTo("ACTIVE");
            assertThat(upgraded.getAsOf()).isEqualTo(Instant.parse("2026-11-10T08:00:02Z"));
            assertThat(upgraded.getUsageUsd()).isEqualByComparingTo("5");
            assertThat(FleetSpendStatus.mayRoute(upgraded)).isTrue();
            assertThat(FleetSpendStatus.mayRoute(store.get("free-2").value())).isFalse();
            assertThat(store.get("never-seen")).isNull();
            assertThat(FleetSpendStatus.mayRoute(null)).as("unknown to billing").isTrue();
        }
    }

    @Test
    void theGlobalConsumerReadsCommittedRecordsOnly() {
        assertThat(FleetSpendStatus.properties(new Properties()))
                .containsEntry("global.consumer.isolation.level", "read_committed");
    }

    private static SpendStatus status(String account, String status, String reason, String asOf) {
        BigDecimal five = new BigDecimal("5.000000000");
        return SpendStatus.newBuilder()
                .setAccountId(account)
                .setBillingMonth("2026-11")
                .setStatus(status)
                .setUsageUsd(five)
                .setIncludedCreditUsd(five)
                .setCreditRemainingUsd(new BigDecimal("0E-9"))
                .setSpendCeilingUsd(status.equals("CAPPED") ? five : new BigDecimal("100.000000000"))
                .setRemainingUsd(status.equals("CAPPED") ? new BigDecimal("0E-9") : new BigDecimal("95.000000000"))
                .setPeriodStart(Instant.parse("2026-11-01T00:00:00Z"))
                .setPeriodEnd(Instant.parse("2026-12-01T00:00:00Z"))
                .setProjectedUsageUsd(null)
                .setReason(reason)
                .setAsOf(Instant.parse(asOf))
                .build();
    }

    private static String region(String text, String begin, String end) {
        Matcher matcher = Pattern.compile(Pattern.quote(begin) + "(.*?)" + Pattern.quote(end), Pattern.DOTALL).matcher(text);
        assertThat(matcher.find()).as("a region between %s and %s", begin.trim(), end).isTrue();
        return matcher.group(1);
    }
}
