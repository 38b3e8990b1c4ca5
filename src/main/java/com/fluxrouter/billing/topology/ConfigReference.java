package com.fluxrouter.billing.topology;

import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.config.DurationValidator;
import com.fluxrouter.billing.config.InstantValidator;
import org.apache.kafka.common.config.ConfigDef;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The configuration reference of docs/operations.md ("Configuration reference") as Markdown table lines, made from
 * the definitions themselves ({@link BillingConfig#DEFINITION} and {@link StreamsSettings#DOCUMENTED}), so a test
 * can hold the document to them.
 */
public final class ConfigReference {
    private ConfigReference() {
    }

    /** @return the table: a header, then one line per {@code flux.*} setting by name, then the Kafka Streams ones */
    public static List<String> table() {
        List<String> lines = new ArrayList<>();
        lines.add("| setting | type | default | meaning |");
        lines.add("|---|---|---|---|");
        BillingConfig.DEFINITION.configKeys().values().stream()
                .sorted(Comparator.comparing((ConfigDef.ConfigKey key) -> key.name))
                .forEach(key -> lines.add(row(key.name, type(key), defaultOf(key), key.documentation)));
        for (StreamsSettings.Documented setting : StreamsSettings.DOCUMENTED) {
            lines.add(row(setting.name(), "Kafka Streams, " + setting.type() + (setting.forced() ? ", forced" : ""),
                    setting.value(), setting.meaning()));
        }
        return lines;
    }

    private static String row(String name, String type, String value, String meaning) {
        return "| `" + name + "` | " + type + " | " + value + " | " + meaning + " |";
    }

    private static String type(ConfigDef.ConfigKey key) {
        if (key.validator instanceof DurationValidator || key.validator instanceof InstantValidator) {
            return key.validator.toString();
        }
        String type = key.type.name().toLowerCase(Locale.ROOT);
        if (key.type == ConfigDef.Type.PASSWORD) {
            return "string, secret";
        }
        if (key.validator == null || key.validator instanceof ConfigDef.NonEmptyString) {
            return type;
        }
        String values = key.validator.toString().replace("[", "").replace("]", "");
        if (values.endsWith(",...")) {
            return type + " >= " + values.substring(0, values.length() - ",...".length());
        }
        return type + " " + values.replace(",...,", " to ").replace(", ", " or ");
    }

    private static String defaultOf(ConfigDef.ConfigKey key) {
        return key.defaultValue == null ? "none" : "`" + key.defaultValue + "`";
    }
}
