package com.fluxrouter.billing.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KcatFramesTest {
    @Test
    void readsKeysAndValuesByLengthEvenWhenTheyHoldNewlinesAndSpaces() throws IOException {
        byte[] value = {0, 0, 0, 0, 1, '\n', ' ', (byte) 0xff};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write("6 acct-1 8 ".getBytes(StandardCharsets.US_ASCII));
        out.write(value);
        out.write("\n-1  -1 \n".getBytes(StandardCharsets.US_ASCII));
        KcatFrames frames = new KcatFrames(new ByteArrayInputStream(out.toByteArray()));

        KcatFrames.Frame first = frames.next();
        assertThat(first.key()).isEqualTo("acct-1".getBytes(StandardCharsets.US_ASCII));
        assertThat(first.value()).isEqualTo(value);
        KcatFrames.Frame tombstone = frames.next();
        assertThat(tombstone.key()).isNull();
        assertThat(tombstone.value()).isNull();
        assertThat(frames.next()).isNull();
    }

    @Test
    void saysWhatIsWrongWithOutputInAnotherFormat() {
        KcatFrames frames = new KcatFrames(new ByteArrayInputStream("acct-1\t{...}\n".getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(frames::next).isInstanceOf(IOException.class).hasMessageContaining("%K %k %S %s");
    }
}
