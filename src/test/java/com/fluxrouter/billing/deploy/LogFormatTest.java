package com.fluxrouter.billing.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;
import org.apache.logging.log4j.util.SortedArrayStringMap;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The production log configuration (src/main/resources/log4j2.xml): plain text by default, JSON lines on request. */
class LogFormatTest {
    private static final Path CONFIG = Path.of("src/main/resources/log4j2.xml");

    @Test
    void plainTextUnlessJsonIsAskedFor() {
        assertThat(rootAppenders(null)).containsExactly("text");
        assertThat(rootAppenders("json")).containsExactly("json");
    }

    @Test
    void jsonLinesCarryTheAccountAndRequestIdsOfTheLogContext() throws Exception {
        LoggerContext context = start("json");
        try {
            Appender json = context.getConfiguration().getAppender("json");
            SortedArrayStringMap ids = new SortedArrayStringMap();
            ids.putValue("account_id", "acct-007");
            ids.putValue("request_id", "req-42");
            LogEvent event = Log4jLogEvent.newBuilder().setLoggerName("com.fluxrouter.billing.metering.MeterProcessor")
                    .setLevel(Level.DEBUG).setMessage(new SimpleMessage("Spend alert CREDIT_50 for 2026-11"))
                    .setContextData(ids).setThreadName("StreamThread-1").build();
            String line = new String(json.getLayout().toByteArray(event), StandardCharsets.UTF_8);
            assertThat(line).endsWith("\n").doesNotContain("\n\n");
            JsonNode node = new ObjectMapper().readTree(line);
            assertThat(node.path("level").asText()).isEqualTo("DEBUG");
            assertThat(node.path("logger").asText()).isEqualTo("com.fluxrouter.billing.metering.MeterProcessor");
            assertThat(node.path("message").asText()).isEqualTo("Spend alert CREDIT_50 for 2026-11");
            assertThat(node.path("account_id").asText()).isEqualTo("acct-007");
            assertThat(node.path("request_id").asText()).isEqualTo("req-42");
            assertThat(node.path("@timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        } finally {
            context.stop();
        }
    }

    private static Set<String> rootAppenders(String format) {
        LoggerContext context = start(format);
        try {
            Configuration configuration = context.getConfiguration();
            return configuration.getRootLogger().getAppenders().keySet();
        } finally {
            context.stop();
        }
    }

    /** A separate logger context on the production configuration, with flux.log.format set (or not) while it loads. */
    private static LoggerContext start(String format) {
        String previous = System.getProperty("flux.log.format");
        if (format == null) {
            System.clearProperty("flux.log.format");
        } else {
            System.setProperty("flux.log.format", format);
        }
        try {
            LoggerContext context = new LoggerContext("log-format-test-" + format, null, CONFIG.toUri());
            context.start();
            return context;
        } finally {
            if (previous == null) {
                System.clearProperty("flux.log.format");
            } else {
                System.setProperty("flux.log.format", previous);
            }
        }
    }
}
