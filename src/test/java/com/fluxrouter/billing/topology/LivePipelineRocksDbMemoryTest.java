package com.fluxrouter.billing.topology;

import com.fluxrouter.billing.PipelineTest;
import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.pricing.Lane;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The production topology on RocksDB stores with a live pipeline's settings ({@link StreamsSettings#live}): every
 * store, of the tasks and the global ones, is opened through {@link BoundedRocksDbMemory}, and what they hold is
 * charged to the one shared cache of the configured budget.
 */
class LivePipelineRocksDbMemoryTest extends PipelineTest {
    /** Sizes of this test's own, so that no other test shares its cache. */
    private static final long MEMORY = 48L << 20;
    private static final long WRITE_BUFFERS = (12L << 20) + 4096;
    private static final String TABLE_SECTION = "[TableOptions/BlockBasedTable \"";
    private static final String CACHE_INDEX_AND_FILTER = "cache_index_and_filter_blocks=";

    @Override
    protected BillingConfig config() {
        return BillingConfig.of(Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "not-contacted:9092",
                BillingConfig.ROCKSDB_MEMORY, Long.toString(MEMORY),
                BillingConfig.ROCKSDB_WRITE_BUFFER_MEMORY, Long.toString(WRITE_BUFFERS)));
    }

    @Override
    protected Map<String, Object> streamsSettings(BillingConfig config) {
        return StreamsSettings.live(config);
    }

    @Test
    void everyStoreOfTheTopologyIsOpenedOnTheSharedBoundedCache() {
        long before = BoundedRocksDbMemory.shared(BoundedRocksDbMemory.Budget.of(config())).cache().getUsage();
        for (int i = 0; i < 200; i++) {
            send(request("acct-" + i, Lane.EXPRESS, 1_000, 1_000, "2026-11-10T12:00:00Z"));
        }
        assertThat(priced()).hasSize(200);

        // The setter caches index and filter blocks, which RocksDB does not by default: its mark in the table options
        // of each store's column families, in the OPTIONS file RocksDB writes when it opens the store. Kafka Streams
        // keeps the store's committed offsets in a column family of its own ("offsets") with options of its own.
        Map<String, Map<String, String>> stores = indexAndFilterCaching();
        assertThat(stores.keySet()).containsAll(Set.of("accepted-request-ids", "account-months", "billing-deadlines",
                "billing-clock", "plan-history", "catalog-models", "catalog-rates", "plan-publications"));
        stores.forEach((store, families) -> {
            assertThat(families).as(store).containsKey("default");
            families.forEach((family, cached) -> assertThat(cached).as(store + " " + family)
                    .isEqualTo(family.equals("offsets") ? "false" : "true"));
        });
        // The requests' writes sit in memtables, which the write-buffer manager charges to the shared cache.
        assertThat(BoundedRocksDbMemory.shared(BoundedRocksDbMemory.Budget.of(config())).cache().getUsage())
                .isGreaterThan(before);
    }

    /**
     * Per store directory ({@code .../rocksdb/<store>/}) under the state dir, per column family of its newest OPTIONS
     * file: the value of {@code cache_index_and_filter_blocks} in the family's block-based table options.
     */
    private Map<String, Map<String, String>> indexAndFilterCaching() {
        Map<String, Map<String, String>> byStore = new TreeMap<>();
        try (Stream<Path> files = Files.walk(stateDir)) {
            files.filter(file -> file.getFileName().toString().startsWith("OPTIONS-"))
                    .filter(file -> file.getParent().getParent().getFileName().toString().equals("rocksdb"))
                    .collect(Collectors.groupingBy(Path::getParent,
                            Collectors.maxBy(Comparator.comparing(file -> file.getFileName().toString()))))
                    .forEach((storeDir, newest) -> byStore.computeIfAbsent(storeDir.getFileName().toString(),
                            store -> new TreeMap<>()).putAll(tableOptions(read(newest.orElseThrow()))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return byStore;
    }

    private static Map<String, String> tableOptions(List<String> lines) {
        Map<String, String> byFamily = new TreeMap<>();
        String family = null;
        for (String line : lines) {
            if (line.startsWith("[")) {
                family = line.startsWith(TABLE_SECTION) ? line.substring(TABLE_SECTION.length(), line.length() - 2) : null;
            } else if (family != null && line.trim().startsWith(CACHE_INDEX_AND_FILTER)) {
                byFamily.put(family, line.trim().substring(CACHE_INDEX_AND_FILTER.length()));
            }
        }
        return byFamily;
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
