package com.fluxrouter.billing.intake;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AccountPartitionerTest {

    @Test
    void agreesWithTheJavaProducersDefaultPartitionerForEveryKeyAndPartitionCount() {
        Random random = new Random(12);
        for (int i = 0; i < 2_000; i++) {
            StringBuilder account = new StringBuilder("acct-");
            int length = random.nextInt(20);
            for (int c = 0; c < length; c++) {
                // Beyond ASCII too: the key's UTF-8 bytes are hashed, not its chars.
                account.append((char) (random.nextBoolean() ? 'a' + random.nextInt(26) : 0xE0 + random.nextInt(200)));
            }
            int partitions = 1 + random.nextInt(64);
            assertThat(AccountPartitioner.partitionOf(account.toString(), partitions))
                    .as("%s of %d", account, partitions)
                    .isEqualTo(Accounts.javaPartition(account.toString(), partitions));
        }
    }

    @Test
    void theRepartitionTopicSendsEachRequestToItsAccountsPartition() {
        String account = Accounts.onPartition(3, 4, 0);
        assertThat(new AccountPartitioner().partitions("t", account, null, 4)).hasValueSatisfying(
                partitions -> assertThat(partitions).containsExactly(3));
    }

    @Test
    void aTopicWithoutPartitionsIsRefused() {
        assertThatThrownBy(() -> AccountPartitioner.partitionOf("acme", 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
