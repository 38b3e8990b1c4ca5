package com.fluxrouter.billing.topology;

import com.fluxrouter.billing.config.BillingConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a live pipeline (run, demo, every Pipeline) accepts: StreamsSettings.live, the check on run's path. */
class StreamsSettingsTest {
    private static BillingConfig live(String... keysAndValues) {
        Map<String, String> settings = new HashMap<>(Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "kafka:9092"));
        for (int i = 0; i < keysAndValues.length; i += 2) {
            settings.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return BillingConfig.of(settings);
    }

    @Test
    void theDefaultsRunExactlyOnce() {
        assertThat(StreamsSettings.live(live()))
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
                .containsEntry(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "kafka:9092");
    }

    @Test
    void atLeastOnceIsRefusedWithoutTheUnsafeSwitch() {
        assertThatThrownBy(() -> StreamsSettings.live(live(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "at_least_once")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("processing.guarantee=at_least_once").hasMessageContaining(BillingConfig.UNSAFE_ALLOW);
    }

    @Test
    void disabledChangelogsAreRefusedWithoutTheUnsafeSwitch() {
        assertThatThrownBy(() -> StreamsSettings.live(live(BillingConfig.STATE_CHANGELOGS, "false")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(BillingConfig.STATE_CHANGELOGS + "=false");
    }

    @Test
    void inMemoryStoresAreRefusedWithoutTheUnsafeSwitch() {
        assertThatThrownBy(() -> StreamsSettings.live(live(BillingConfig.STATE_STORES, "in_memory")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(BillingConfig.STATE_STORES + "=in_memory");
    }

    @Test
    void theUnsafeSwitchLetsThemThroughAsGiven() {
        Map<String, Object> settings = StreamsSettings.live(live(
                StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "at_least_once",
                BillingConfig.STATE_CHANGELOGS, "false",
                BillingConfig.STATE_STORES, "in_memory",
                BillingConfig.UNSAFE_ALLOW, "true"));
        assertThat(settings).containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "at_least_once")
                .containsEntry(BillingConfig.STATE_CHANGELOGS, "false");
    }

    @Test
    void taskIdlingIsOffUnlessTheSettingsTurnItBackOn() {
        StreamsConfig byDefault = new StreamsConfig(StreamsSettings.live(live()));
        assertThat(byDefault.getLong(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG)).isEqualTo(-1L);
        StreamsConfig turnedOn = new StreamsConfig(StreamsSettings.live(live(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, "0")));
        assertThat(turnedOn.getLong(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG)).isZero();
    }

    @Test
    void liveRunsBoundRocksDbMemoryUnlessTheSettingsNameTheirOwnSetter() {
        assertThat(StreamsSettings.live(live()))
                .containsEntry(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class);
        assertThat(StreamsSettings.live(live(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, "com.example.Setter")))
                .containsEntry(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, "com.example.Setter");
    }

    @Test
    void noBootstrapServersIsRefusedRatherThanALocalDefault() {
        assertThatThrownBy(() -> StreamsSettings.live(BillingConfig.defaults()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG)
                .hasMessageContaining("KAFKA_BOOTSTRAP_SERVERS");
        assertThat(StreamsSettings.of(BillingConfig.defaults())).doesNotContainKey(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG);
    }

    @Test
    void everyKafkaSettingThePipelineSetsIsInTheReference() {
        BillingConfig config = live(BillingConfig.STATE_STORES, "in_memory", BillingConfig.UNSAFE_ALLOW, "true",
                StreamsConfig.APPLICATION_SERVER_CONFIG, "host:1");
        Map<String, Object> set = StreamsSettings.live(config);
        java.util.Set<String> documented = new java.util.HashSet<>();
        StreamsSettings.DOCUMENTED.forEach(setting -> documented.add(setting.name()));
        set.keySet().stream().filter(key -> !key.startsWith(BillingConfig.PREFIX))
                .forEach(key -> assertThat(documented).as(key).contains(key));
        StreamsSettings.DOCUMENTED.stream().filter(StreamsSettings.Documented::forced)
                .filter(setting -> !setting.name().equals(StreamsConfig.DSL_STORE_SUPPLIERS_CLASS_CONFIG)
                        && !setting.name().equals(StreamsConfig.APPLICATION_SERVER_CONFIG))
                .forEach(setting -> assertThat(String.valueOf(set.get(setting.name())).replace("class ", ""))
                        .as(setting.name()).isEqualTo(setting.value()));
    }
}
