package com.fluxrouter.billing.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class StoreSizesTest {
    @TempDir
    Path app;

    @Test
    void countsOnlySstAndBlobFilesPerStoreOverEveryTask() throws Exception {
        write("0_0/rocksdb/account-months/000012.sst", 100);
        write("0_1/rocksdb/account-months/000013.sst", 50);
        write("0_1/rocksdb/account-months/000014.blob", 7);
        write("0_1/rocksdb/account-months/000015.log", 1_000);
        write("0_1/rocksdb/account-months/MANIFEST-000005", 1_000);
        write("0_1/rocksdb/account-months/LOG", 1_000);
        write("0_0/.checkpoint", 1_000);

        assertThat(StreamsRuns.storeSizes(app)).containsExactly(java.util.Map.entry("account-months", 157L));
    }

    @Test
    void aMissingStateDirectoryHasNoStores() throws Exception {
        assertThat(StreamsRuns.storeSizes(app.resolve("absent"))).isEmpty();
    }

    private void write(String relative, int bytes) throws Exception {
        Path file = app.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[bytes]);
    }
}
