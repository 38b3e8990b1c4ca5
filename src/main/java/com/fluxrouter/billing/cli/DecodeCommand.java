package com.fluxrouter.billing.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.config.Settings;
import com.fluxrouter.billing.replay.AvroJson;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.topology.TopicSchemas;
import org.apache.avro.specific.SpecificRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedInputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;

// Descriptions are format strings to picocli: kcat's %K %k %S %s are written %%K ... so the help prints them.
@Command(name = "decode", mixinStandardHelpOptions = true, version = FluxBilling.VERSION,
        header = "Decodes kcat output of one topic into one JSON object per line.",
        description = {
        "Decodes the Avro records of one topic, as kcat prints them, into one JSON object per line (Debian's kcat has",
        "no Avro support): kcat -C -b HOST:PORT -t TOPIC -X isolation.level=read_committed -e -f '%%K %%k %%S %%s\\n'",
        "| bin/flux-billing decode --topic TOPIC [--config FILE]. The wire format and registry come from the settings."})
final class DecodeCommand implements Callable<Integer> {
    @Option(names = "--topic", required = true, description = "The topic the records come from (it says their types).")
    String topic;

    @Option(names = "--config", description = "A properties file with flux.serde.format and flux.schema-registry.*.")
    Path config;

    @Option(names = "--format", description = "Wire format, overriding the settings: single-object or registry.")
    String format;

    @Option(names = "--registry-url", description = "The registry's REST root, overriding flux.schema-registry.url.")
    String registryUrl;

    @Override
    public Integer call() throws Exception {
        var valueType = TopicSchemas.valueType(topic)
                .orElseThrow(() -> new IllegalArgumentException("not a topic of the pipeline's contract: " + topic));
        var keyType = TopicSchemas.keyType(topic);
        Serdes serdes = Serdes.of(BillingConfig.of(settings()));
        AvroJson avroJson = new AvroJson();
        ObjectMapper json = new ObjectMapper();
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        KcatFrames frames = new KcatFrames(new BufferedInputStream(System.in));
        for (KcatFrames.Frame frame = frames.next(); frame != null; frame = frames.next()) {
            ObjectNode line = json.createObjectNode();
            if (frame.key() == null) {
                line.putNull("key");
            } else if (keyType.isPresent()) {
                line.set("key", json.readTree(avroJson.write(decode(serdes, keyType.get(), frame.key()))));
            } else {
                line.put("key", new String(frame.key(), StandardCharsets.UTF_8));
            }
            if (frame.value() == null) {
                line.putNull("value");
            } else {
                line.set("value", json.readTree(avroJson.write(decode(serdes, valueType, frame.value()))));
            }
            out.println(json.writeValueAsString(line));
        }
        out.flush();
        return 0;
    }

    private <T extends SpecificRecord> T decode(Serdes serdes, Class<T> type, byte[] bytes) {
        return serdes.avro(type).deserializer().deserialize(topic, bytes);
    }

    private Map<String, String> settings() throws Exception {
        Map<String, String> settings = new HashMap<>(Settings.load(config, System.getenv()));
        if (format != null) {
            settings.put(BillingConfig.WIRE_FORMAT, format);
        }
        if (registryUrl != null) {
            settings.put(BillingConfig.SCHEMA_REGISTRY_URL, registryUrl);
        }
        return settings;
    }
}
