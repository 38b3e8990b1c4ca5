package com.fluxrouter.billing.config;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The RocksDB memory budget of a live pipeline: its whole size and the memtables' part of it, in bytes. */
class RocksDbMemorySettingTest {
    @Test
    void theBudgetIs256MiBOfWhichMemtablesTake64MiBUnlessSet() {
        assertThat(BillingConfig.defaults().rocksDbMemory()).isEqualTo(256L * 1024 * 1024);
        assertThat(BillingConfig.defaults().rocksDbWriteBufferMemory()).isEqualTo(64L * 1024 * 1024);
        BillingConfig set = BillingConfig.of(Map.of("flux.state.rocksdb.memory", "1073741824",
                "flux.state.rocksdb.write-buffer-memory", "268435456"));
        assertThat(set.rocksDbMemory()).isEqualTo(1L << 30);
        assertThat(set.rocksDbWriteBufferMemory()).isEqualTo(1L << 28);
    }

    @Test
    void memtablesTakingTheWholeBudgetAreRefusedNamingBothSettings() {
        assertThatThrownBy(() -> BillingConfig.of(Map.of("flux.state.rocksdb.memory", "67108864")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("flux.state.rocksdb.write-buffer-memory=67108864")
                .hasMessageContaining("flux.state.rocksdb.memory=67108864");
        assertThat(BillingConfig.of(Map.of("flux.state.rocksdb.memory", "67108865")).rocksDbMemory()).isEqualTo(67108865L);
    }

    @Test
    void lessThanOneMiBIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> BillingConfig.of(Map.of("flux.state.rocksdb.write-buffer-memory", "1048575")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("flux.state.rocksdb.write-buffer-memory");
        assertThatThrownBy(() -> BillingConfig.of(Map.of("flux.state.rocksdb.memory", "lots")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("flux.state.rocksdb.memory");
    }
}
