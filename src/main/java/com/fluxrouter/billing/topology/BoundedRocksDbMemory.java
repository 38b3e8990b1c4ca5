package com.fluxrouter.billing.topology;

import com.fluxrouter.billing.config.BillingConfig;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBufferManager;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The {@code rocksdb.config.setter} of a live pipeline ({@link StreamsSettings#live}): Kafka Streams' documented
 * pattern for bounding RocksDB's off-heap memory (BoundedMemoryRocksDBConfig, "Memory management" in the Kafka
 * Streams developer guide). Every RocksDB store of the process, of every task and the global stores alike, gets
 * <ul>
 *   <li>one LRU block cache of {@link BillingConfig#rocksDbMemory()} bytes, shared by all of them, which also holds
 *   their index and filter blocks (otherwise those live outside any cache and grow with the data on disk), at high
 *   priority and with the top level pinned so that lookups keep them;</li>
 *   <li>one write-buffer manager of {@link BillingConfig#rocksDbWriteBufferMemory()} bytes, shared too, which charges
 *   every memtable to that same cache and flushes the largest when they reach it.</li>
 * </ul>
 * So the stores' blocks, indexes, filters and memtables stay within {@code flux.state.rocksdb.memory} together,
 * however many tasks (and standbys) the instance holds. The bound is soft, as in Kafka's pattern: the cache is not
 * strict (a strict one fails reads and writes once full), so blocks pinned by open iterators may exceed it briefly.
 * What remains outside it: RocksDB's table readers' own small structures, the allocator's overhead, and the blocks
 * of the column family in which Kafka Streams keeps each store's committed offsets ("offsets": a few keys, opened with
 * Kafka's own options, not this setter's; its memtable is under the write-buffer manager, which is per database).
 *
 * <p>The cache and the write-buffer manager are made once per distinct pair of sizes and live as long as the
 * process: every store and every Kafka Streams instance of the process with the same settings shares them, so the
 * bound is per process, not per store or per instance.
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {
    /** Share of the cache that index and filter blocks get first call on (high priority); the rest is data blocks. */
    static final double INDEX_FILTER_SHARE = 0.1;

    private static final ConcurrentMap<Budget, Shared> SHARED = new ConcurrentHashMap<>();

    /** The configured sizes in bytes: the whole budget and the memtables' part of it. */
    record Budget(long memory, long writeBuffers) {
        static Budget of(BillingConfig config) {
            return new Budget(config.rocksDbMemory(), config.rocksDbWriteBufferMemory());
        }
    }

    /** The cache and write-buffer manager that every store with one budget shares. */
    record Shared(Cache cache, WriteBufferManager writeBuffers) {
    }

    /**
     * @param storeName the store Kafka Streams is opening (every store gets the same treatment)
     * @param options   the store's options, whose table config (Kafka Streams' block-based one) is changed in place
     * @param configs   the application's settings: the {@code flux.state.rocksdb.*} sizes are read from them
     * @throws org.apache.kafka.common.config.ConfigException if the {@code flux.*} settings among them are invalid
     *                                                       (they were checked at start, so only if changed since)
     */
    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        Shared shared = shared(Budget.of(BillingConfig.of(fluxSettings(configs))));
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(shared.cache());
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setTableFormatConfig(table);
        options.setWriteBufferManager(shared.writeBuffers());
    }

    /** Nothing to close: the cache and the write-buffer manager are shared by every store of the process. */
    @Override
    public void close(String storeName, Options options) {
    }

    /** The cache and write-buffer manager of {@code budget}, made on first use. */
    static Shared shared(Budget budget) {
        return SHARED.computeIfAbsent(budget, sizes -> {
            RocksDB.loadLibrary();
            // Not strict (false): a strict cache fails reads and writes when full; Kafka's pattern accepts the overshoot.
            Cache cache = new LRUCache(sizes.memory(), -1, false, INDEX_FILTER_SHARE);
            return new Shared(cache, new WriteBufferManager(sizes.writeBuffers(), cache));
        });
    }

    private static Map<String, String> fluxSettings(Map<String, Object> configs) {
        Map<String, String> flux = new HashMap<>();
        configs.forEach((key, value) -> {
            if (key.startsWith(BillingConfig.PREFIX) && value != null) {
                flux.put(key, value.toString());
            }
        });
        return flux;
    }
}
