package com.fluxrouter.billing.topology;

import com.fluxrouter.billing.config.BillingConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.CompressionType;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The setter on the options of real RocksDB databases, opened the way Kafka Streams opens its stores (its 16 MiB
 * memtables, up to three of them, a block-based table): two stores share one budget for their memtables and blocks.
 * Each test uses sizes of its own, so it has a cache and write-buffer manager of its own.
 */
class BoundedRocksDbMemoryTest {
    private static final long MIB = 1L << 20;
    private static final int VALUE_BYTES = 1024;

    @TempDir
    Path dir;

    @Test
    void theMemtablesOfEveryStoreAreChargedToTheOneSharedCache() throws Exception {
        BillingConfig config = budget(20 * MIB, 10 * MIB);
        BoundedRocksDbMemory.Shared shared = BoundedRocksDbMemory.shared(BoundedRocksDbMemory.Budget.of(config));
        try (Options first = configured("account-months", config); Options second = configured("accepted-request-ids", config);
             RocksDB months = RocksDB.open(first, dir.resolve("a").toString());
             RocksDB ids = RocksDB.open(second, dir.resolve("b").toString())) {
            long opened = shared.cache().getUsage();

            write(months, 0, 2_000);
            long afterOneStore = shared.cache().getUsage();
            write(ids, 0, 2_000);
            long afterBoth = shared.cache().getUsage();

            // Nothing was read and nothing flushed: all the cache holds is the two memtables (2,000 KiB of values
            // each, which RocksDB's arena reserves in blocks of about 1 MiB).
            assertThat(afterOneStore).isGreaterThanOrEqualTo(opened + 2 * MIB);
            assertThat(afterBoth).isGreaterThanOrEqualTo(afterOneStore + 2 * MIB);
            assertThat(afterBoth).isLessThanOrEqualTo(20 * MIB);
        }
    }

    @Test
    void memtablesOfAllStoresTogetherAreFlushedAtTheWriteBufferBudget() throws Exception {
        BillingConfig config = budget(24 * MIB, 4 * MIB);
        try (Options first = configured("account-months", config); Options second = configured("accepted-request-ids", config);
             RocksDB months = RocksDB.open(first, dir.resolve("a").toString());
             RocksDB ids = RocksDB.open(second, dir.resolve("b").toString())) {
            // 24 MiB of values: far past the 4 MiB budget, but within one 16 MiB memtable of each store, which is
            // where it would all stay without the write-buffer manager.
            for (int batch = 0; batch < 12; batch++) {
                write(months, batch * 1_024, 1_024);
                write(ids, batch * 1_024, 1_024);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> immutableMemtables(months) + immutableMemtables(ids) == 0);

            long memtables = memtables(months) + memtables(ids);
            assertThat(memtables).isLessThan(8 * MIB);
            assertThat(sstBytes(months) + sstBytes(ids)).isPositive();
        }
    }

    @Test
    void blocksReadFromEveryStoreStayWithinTheBudget() throws Exception {
        BillingConfig config = budget(6 * MIB, 2 * MIB);
        BoundedRocksDbMemory.Shared shared = BoundedRocksDbMemory.shared(BoundedRocksDbMemory.Budget.of(config));
        try (Options first = configured("account-months", config); Options second = configured("accepted-request-ids", config);
             RocksDB months = RocksDB.open(first, dir.resolve("a").toString());
             RocksDB ids = RocksDB.open(second, dir.resolve("b").toString());
             FlushOptions wait = new FlushOptions().setWaitForFlush(true)) {
            write(months, 0, 16_384);
            write(ids, 0, 16_384);
            months.flush(wait);
            ids.flush(wait);
        }
        // Reopened, as after a restart: the write-buffer manager releases its share of the cache lazily after a flush
        // (anywhere from 0.3 to 5.3 MiB of the 6 seen while the databases stayed open), but wholly when they close.
        try (Options first = configured("account-months", config); Options second = configured("accepted-request-ids", config);
             RocksDB months = RocksDB.open(first, dir.resolve("a").toString());
             RocksDB ids = RocksDB.open(second, dir.resolve("b").toString())) {
            long opened = shared.cache().getUsage();
            assertThat(opened).isLessThan(2 * MIB);

            // 32 MiB of values read back, more than five times the budget: the blocks go through the shared cache,
            // which fills up to its capacity and no further (but for the few blocks a read holds while it runs: the
            // cache is not strict).
            long maxSeen = 0;
            for (int key = 0; key < 16_384; key++) {
                assertThat(months.get(key(key))).hasSize(VALUE_BYTES);
                assertThat(ids.get(key(key))).hasSize(VALUE_BYTES);
                maxSeen = Math.max(maxSeen, shared.cache().getUsage());
            }
            assertThat(maxSeen).isGreaterThan(opened + 4 * MIB).isLessThanOrEqualTo(6 * MIB + 256 * 1024);
        }
    }

    private static BillingConfig budget(long memory, long writeBuffers) {
        return BillingConfig.of(Map.of(BillingConfig.ROCKSDB_MEMORY, Long.toString(memory),
                BillingConfig.ROCKSDB_WRITE_BUFFER_MEMORY, Long.toString(writeBuffers)));
    }

    /** Options as Kafka Streams' RocksDBStore makes them, then handed to the setter as it does. */
    private static Options configured(String store, BillingConfig config) {
        RocksDB.loadLibrary();
        Options options = new Options().setCreateIfMissing(true).setWriteBufferSize(16 * MIB).setMaxWriteBufferNumber(3)
                .setCompressionType(CompressionType.NO_COMPRESSION);
        options.setTableFormatConfig(new BlockBasedTableConfig().setBlockSize(4_096));
        new BoundedRocksDbMemory().setConfig(store, options, Map.copyOf(config.settings()));
        return options;
    }

    private static void write(RocksDB db, int from, int count) throws Exception {
        byte[] value = new byte[VALUE_BYTES];
        for (int key = from; key < from + count; key++) {
            value[0] = (byte) key;
            db.put(key(key), value);
        }
    }

    private static byte[] key(int key) {
        return String.format("key-%08d", key).getBytes(StandardCharsets.US_ASCII);
    }

    private static long memtables(RocksDB db) throws Exception {
        return db.getLongProperty("rocksdb.cur-size-all-mem-tables");
    }

    private static long immutableMemtables(RocksDB db) throws Exception {
        return db.getLongProperty("rocksdb.num-immutable-mem-table");
    }

    private static long sstBytes(RocksDB db) throws Exception {
        return db.getLongProperty("rocksdb.total-sst-files-size");
    }
}
